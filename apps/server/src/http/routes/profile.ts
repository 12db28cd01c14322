import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { CustomerHistory, IdParams, Profile, UpdateProfileRequest, errorResponse, errorResponses, SIGNED_IN } from '@switchboard/protocol';
import { z } from 'zod';
import { requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { AppError } from '../../errors.ts';
import { sniffContentType } from '../../attachments/sniff.ts';
import { AVATAR_MAX_BYTES, avatarOf, loadProfile, removeAvatar, setAvatar, updateProfile } from '../../actions/profile.ts';
import { reachContact } from '../../actions/contacts.ts';
import { customerHistory } from '../../actions/history.ts';

/**
 * Issue 14's day-one gaps on the server: the user's own profile (name, avatar, alert preferences)
 * and a customer's history for the details panel.
 */
export function profileRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    await app.register(multipart, { limits: { files: 1, fileSize: AVATAR_MAX_BYTES, fields: 0 } });

    app.get('/me/profile', { schema: { tags: ['auth'], operationId: 'getMyProfile', summary: 'Your name, avatar and alert preferences', response: { 200: Profile, ...errorResponses(SIGNED_IN) } } }, async (req) =>
      loadProfile(s.store.db, viewerOf(req).id),
    );

    app.patch(
      '/me/profile',
      { schema: { tags: ['auth'], operationId: 'updateMyProfile', summary: 'Change your name or alert preferences (only what is sent changes)', body: UpdateProfileRequest, response: { 200: Profile, ...errorResponses(SIGNED_IN) } } },
      async (req) => updateProfile(s.actions, viewerOf(req).id, req.body),
    );

    app.put(
      '/me/avatar',
      {
        schema: {
          tags: ['auth'],
          operationId: 'setMyAvatar',
          summary: 'Upload your avatar (multipart field "file"): a PNG, JPEG, GIF or WebP image of at most 512 KB; the type is read from the bytes',
          consumes: ['multipart/form-data'],
          response: { 200: Profile, ...errorResponses(SIGNED_IN, 'avatar_not_image', 'upload_incomplete'), 413: errorResponse(413, ['avatar_too_large']), 415: errorResponse(415, ['validation_failed']) },
        },
      },
      async (req) => {
        if (!req.isMultipart()) throw new AppError('validation_failed', 'Send the picture as multipart/form-data.', 415);
        let buf: Buffer;
        try {
          const part = await req.file();
          if (!part) throw new AppError('validation_failed', 'No file in the request.', 400);
          buf = await part.toBuffer();
        } catch (e) {
          if (e instanceof AppError) throw e;
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('avatar_too_large', 'The picture is larger than 512 KB; choose a smaller one.', 413);
          if (!(e as { statusCode?: number }).statusCode) throw new AppError('upload_incomplete', 'The upload ended before the picture was complete; send it again.', 400);
          throw e;
        }
        return setAvatar(s.actions, viewerOf(req).id, await sniffContentType(buf), buf);
      },
    );

    app.delete('/me/avatar', { schema: { tags: ['auth'], operationId: 'removeMyAvatar', summary: 'Remove your avatar (your initials show again)', response: { 200: Profile, ...errorResponses(SIGNED_IN) } } }, async (req) =>
      removeAvatar(s.actions, viewerOf(req).id),
    );

    app.get(
      '/users/:id/avatar',
      {
        schema: {
          tags: ['users'],
          operationId: 'getUserAvatar',
          summary: "A colleague's avatar image (the URL in `avatarUrl` carries its version, so it may be cached)",
          params: IdParams,
          response: { 200: z.any().describe('The image bytes'), ...errorResponses(SIGNED_IN, 'not_found') },
        },
      },
      async (req, reply) => {
        const a = await avatarOf(s.store.db, req.params.id);
        // Private: only signed-in colleagues read it; the versioned URL makes a long cache safe.
        reply.header('content-type', a.contentType).header('cache-control', 'private, max-age=31536000, immutable').header('x-content-type-options', 'nosniff');
        return reply.send(a.bytes);
      },
    );

    app.get(
      '/contacts/:id/history',
      {
        // Conversations and tickets, not only the contact: a contacts:read token does not see them.
        config: { scope: 'conversations:read' },
        schema: {
          tags: ['contacts'],
          operationId: 'getCustomerHistory',
          summary: "The customer's earlier and linked conversations and their tickets, newest first: those you may open",
          params: IdParams,
          response: { 200: CustomerHistory, ...errorResponses(SIGNED_IN, 'forbidden', 'not_found') },
        },
      },
      async (req) => {
        const viewer = viewerOf(req);
        await reachContact(s.store.db, viewer, req.params.id, 'read');
        return customerHistory(s.store.db, viewer, req.params.id);
      },
    );
  };
}
