import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import {
  Attachment,
  AttachmentLimitsView,
  ChannelSettings,
  IdParams,
  MAX_ATTACHMENT_BYTES,
  UpdateChannelSettingsRequest,
  errorResponses,
  FileBytes,
  errorResponse,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { AppError } from '../../errors.ts';
import { visibleConversation } from '../../actions/context.ts';
import { sniffContentType } from '../../attachments/sniff.ts';
import { conversationFileUrl, fileKeyOf } from '../../attachments/owned.ts';
import { readStoredFile, sendStoredFile } from '../../attachments/files.ts';
import { CHANNEL_NAMES, CLASS_NAMES, classOf, limitsFor, loadChannelSettings, saveChannelSettings, sizeText } from '../../attachments/limits.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden', 'not_found'];
const tags = ['attachments'];
const KEY = /^[a-f0-9]{32}$/;

// eslint-disable-next-line no-control-regex -- control characters are exactly what a file name may not carry
const safeName = (name: string) => name.replace(/[\u0000-\u001f\u007f"\\/]/g, '_').slice(0, 200) || 'file';

/**
 * Attachments (seed 001 / 002): upload to a conversation, sniffed (the client's content type is
 * never trusted), held to the channel's limits, stored under DATA_DIR/attachments/<conversation>/,
 * and served only to those who may see the conversation.
 */
export function attachmentRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    // The largest size any channel may ever allow; each upload is then held to its channel's stored limits.
    await app.register(multipart, { limits: { files: 1, fileSize: MAX_ATTACHMENT_BYTES, fields: 5, fieldSize: 1024 } });
    app.addHook('onRequest', requireAuth);
    const root = path.resolve(s.config.dataDir, 'attachments');

    app.get(
      '/attachments/limits',
      { schema: { tags, operationId: 'getAttachmentLimits', summary: 'Largest attachment per channel and kind (bytes); a kind that may not be sent is left out', response: { 200: AttachmentLimitsView, ...errorResponses(common) } } },
      async () => {
        const { channels } = await loadChannelSettings(s.store.db);
        return Object.fromEntries(Object.entries(channels).map(([c, l]) => [c, Object.fromEntries(Object.entries(l).filter(([, v]) => v.allowed).map(([k, v]) => [k, v.maxBytes]))]));
      },
    );

    app.get(
      '/settings/channels',
      { schema: { tags: ['settings'], operationId: 'getChannelSettings', summary: 'Attachment limits of every channel: largest size per kind and whether the kind is allowed', response: { 200: ChannelSettings, ...errorResponses(common) } } },
      async () => loadChannelSettings(s.store.db),
    );
    app.put(
      '/settings/channels',
      {
        schema: {
          tags: ['settings'],
          operationId: 'updateChannelSettings',
          summary: 'Change channels’ attachment limits (administrators)',
          description: 'Only the channels sent change; each is sent whole. Sizes are bytes, 1 KB to 100 MB. Uploads follow at once.',
          body: UpdateChannelSettingsRequest,
          response: { 200: ChannelSettings, ...errorResponses(common) },
        },
      },
      async (req) => {
        requireAdmin(req);
        return saveChannelSettings(s.actions, req.body);
      },
    );

    app.post(
      '/conversations/:id/attachments',
      { schema: { tags, operationId: 'uploadAttachment', summary: 'Upload one file (multipart field "file") to attach to a message', params: IdParams, consumes: ['multipart/form-data'], response: { 201: Attachment, ...errorResponses(common, 'attachment_type_not_allowed', 'upload_incomplete'), 413: errorResponse(413, ['attachment_too_large']), 415: errorResponse(415, ['validation_failed']) } } },
      async (req, reply) => {
        const c = await visibleConversation(s.actions, viewerOf(req), req.params.id);
        if (!req.isMultipart()) throw new AppError('validation_failed', 'Send the file as multipart/form-data.', 415);
        const channel = c.channel as string;
        const channelName = CHANNEL_NAMES[channel] ?? channel;
        const lim = await limitsFor(s.store.db, channel);
        const allowed = Object.values(lim).filter((l) => l.allowed);
        if (!allowed.length) throw new AppError('attachment_type_not_allowed', `Files cannot be sent on ${channelName}.`, 422);
        const most = Math.max(...allowed.map((l) => l.maxBytes));
        let buf: Buffer;
        let filename: string | undefined;
        try {
          const part = await req.file({ limits: { fileSize: most } });
          if (!part) throw new AppError('validation_failed', 'No file in the request.', 400);
          filename = part.filename;
          buf = await part.toBuffer();
        } catch (e) {
          if (e instanceof AppError) throw e;
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('attachment_too_large', `Files sent on ${channelName} can be at most ${sizeText(most)}.`, 413, { limit: most });
          // The multipart parser's own complaints (a body cut short, a missing boundary, a bad part
          // header) carry no status: they are the client's, never a 500.
          if (!(e as { statusCode?: number }).statusCode) throw new AppError('upload_incomplete', 'The upload ended before the file was complete, or was not well-formed multipart; send it again.', 400);
          throw e;
        }
        if (!buf.length) throw new AppError('validation_failed', 'The file is empty.', 400);
        const contentType = await sniffContentType(buf);
        const kind = classOf(contentType);
        if (!lim[kind].allowed) throw new AppError('attachment_type_not_allowed', `${CLASS_NAMES[kind]} cannot be sent on ${channelName}.`, 422, { kind });
        if (buf.length > lim[kind].maxBytes) {
          throw new AppError('attachment_too_large', `${CLASS_NAMES[kind]} sent on ${channelName} can be at most ${sizeText(lim[kind].maxBytes)}; this one is ${sizeText(buf.length)}.`, 413, { limit: lim[kind].maxBytes, size: buf.length, kind });
        }
        const key = crypto.randomBytes(16).toString('hex');
        const dir = path.join(root, String(c.id));
        await fs.mkdir(dir, { recursive: true });
        const name = safeName(filename ?? 'file');
        await fs.writeFile(path.join(dir, key), buf);
        await fs.writeFile(path.join(dir, `${key}.json`), JSON.stringify({ name, contentType, size: buf.length, by: viewerOf(req).id, at: s.clock.now() }));
        reply.code(201);
        // The one address both sides read it at: the customer's widget or portal shows it too.
        return { name, contentType, size: buf.length, url: conversationFileUrl(c.id, key) };
      },
    );

    // Rows and emails written before files had one address still name this one (agents only).
    app.get(
      '/conversations/:id/attachments/:key',
      { schema: { tags, operationId: 'downloadAttachment', summary: 'Download an attachment by its former address (only if you may see the conversation); now /files/{key}', deprecated: true, params: IdParams.extend({ key: z.string().max(64) }), response: { 200: FileBytes, ...errorResponses(common) } } },
      async (req, reply) => {
        const c = await visibleConversation(s.actions, viewerOf(req), req.params.id);
        if (!KEY.test(req.params.key)) throw new AppError('not_found', 'No such attachment.', 404);
        const f = await readStoredFile(s.store.db, s.config.dataDir, fileKeyOf({ kind: 'upload', conversationId: c.id, key: req.params.key }));
        if (!f) throw new AppError('not_found', 'No such attachment.', 404);
        return sendStoredFile(reply, f);
      },
    );
  };
}
