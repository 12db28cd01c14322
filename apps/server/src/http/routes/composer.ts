import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canSendFreeForm, cleanUpInput, findSensitive, messagingWindowClosesAt } from '@switchboard/core';
import {
  CannedMessage,
  CannedMessageCreate,
  CannedMessageInput,
  CleanedText,
  ComposerRules,
  ComposerRulesView,
  ComposerTextRequest,
  IdParams,
  MessagingWindow,
  Ok,
  SensitiveCheck,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { visibleConversation } from '../../actions/context.ts';
import { createCannedMessage, deleteCannedMessage, listCannedMessages, loadComposerRules, saveComposerRules, updateCannedMessage } from '../../actions/composer.ts';
import { compileComposerRules, type CompiledComposerRules } from '../../composer/adminPatterns.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden'];
const tags = ['composer'];

/**
 * Canned messages (seed 004) and the composer's rules (seed 001): everyone reads, admins write.
 * Personal quick replies (seed 002) are canned messages with an owner: any user adds, changes and
 * deletes their own; nobody else sees them, so someone else's answers 404 like an unseen
 * conversation, while a shared one changed by a non-administrator answers 403.
 * Reply templates (seed 001) are shared canned messages an administrator marked `template`; a
 * personal quick reply cannot be one (422 `template_not_shared`).
 * The sensitive-data check and the clean-up run the pure functions of packages/core, so the agent
 * app (which may not import core) asks here.
 */
export function composerRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);

    // Rules change rarely and are read on every check: keep them, compiled, for a few seconds per
    // process. Stored patterns the linear-time engine cannot run are skipped and reported.
    let cached: { at: number; compiled: CompiledComposerRules } | null = null;
    async function rules(): Promise<CompiledComposerRules> {
      const now = Date.now();
      if (cached && now - cached.at < 5000) return cached.compiled;
      const compiled = compileComposerRules(await loadComposerRules(s.store.db));
      if (compiled.refused.length) app.log.warn({ refused: compiled.refused }, 'stored composer patterns that cannot run are skipped');
      cached = { at: now, compiled };
      return compiled;
    }
    const view = (c: CompiledComposerRules): ComposerRulesView => ({ ...c.rules, refusedPatterns: c.refused });

    app.get('/canned-messages', { schema: { tags, operationId: 'listCannedMessages', summary: 'Canned messages: the shared ones and your own quick replies, by title', response: { 200: z.object({ items: z.array(CannedMessage) }), ...errorResponses(common) } } }, async (req) => ({
      items: await listCannedMessages(s.store.db, viewerOf(req)),
    }));
    app.post('/canned-messages', { schema: { tags, operationId: 'createCannedMessage', summary: 'Add a shared canned message (administrators and groups with the canned-messages right) or a personal quick reply (anyone)', body: CannedMessageCreate, response: { 201: CannedMessage, ...errorResponses(common) } } }, async (req, reply) => {
      // A shared one needs the canned-messages right (administrators, or a group): the action checks it.
      return reply.code(201).send(await createCannedMessage(s.actions, viewerOf(req), req.body));
    });
    app.put('/canned-messages/:id', { schema: { tags, operationId: 'updateCannedMessage', summary: 'Change a shared canned message (the canned-messages right) or your own quick reply', params: IdParams, body: CannedMessageInput, response: { 200: CannedMessage, ...errorResponses(common, 'not_found') } } }, async (req) =>
      updateCannedMessage(s.actions, viewerOf(req), req.params.id, req.body),
    );
    app.delete('/canned-messages/:id', { schema: { tags, operationId: 'deleteCannedMessage', summary: 'Delete a shared canned message (the canned-messages right) or your own quick reply', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'not_found') } } }, async (req) => {
      await deleteCannedMessage(s.actions, viewerOf(req), req.params.id);
      return { ok: true as const };
    });

    app.get(
      '/conversations/:id/messaging-window',
      { schema: { tags, operationId: 'getMessagingWindow', summary: 'Whether a free-form reply may be sent now (WhatsApp 24-hour window, seed 004)', params: IdParams, response: { 200: MessagingWindow, ...errorResponses(common, 'not_found') } } },
      async (req) => {
        const c = await visibleConversation(s.actions, viewerOf(req), req.params.id);
        const now = s.clock.now();
        return { freeForm: canSendFreeForm(c.channel, c.last_customer_message_at, now), closesAt: messagingWindowClosesAt(c.channel, c.last_customer_message_at), now };
      },
    );

    app.get('/composer/rules', { schema: { tags, operationId: 'getComposerRules', summary: 'Words and patterns to avoid, and what Clean up input removes', response: { 200: ComposerRulesView, ...errorResponses(common) } } }, async () => view(await rules()));
    app.put('/composer/rules', { schema: { tags, operationId: 'setComposerRules', summary: 'Set the composer rules (admin)', body: ComposerRules, response: { 200: ComposerRulesView, ...errorResponses(common, 'invalid_pattern', 'pattern_unsupported') } } }, async (req) => {
      await saveComposerRules(s.actions, requireAdmin(req), req.body);
      cached = null;
      return view(await rules());
    });
    app.post('/composer/check', { schema: { tags, operationId: 'checkSensitiveData', summary: 'Find sensitive data in a reply before it is sent', body: ComposerTextRequest, response: { 200: SensitiveCheck, ...errorResponses(common) } } }, async (req) => {
      viewerOf(req);
      const r = await rules();
      return { findings: findSensitive(req.body.text, { words: r.rules.sensitiveWords, patterns: r.sensitive }) };
    });
    app.post('/composer/clean', { schema: { tags, operationId: 'cleanUpInput', summary: 'Clean up pasted text (Clean up input)', body: ComposerTextRequest, response: { 200: CleanedText, ...errorResponses(common) } } }, async (req) => {
      const r = await rules();
      return { text: cleanUpInput(req.body.text, { remove: r.cleanup }) };
    });
  };
}
