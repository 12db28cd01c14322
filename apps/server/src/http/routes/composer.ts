import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { canAdminister, canSendFreeForm, cleanUpInput, findSensitive, messagingWindowClosesAt } from '@switchboard/core';
import { CannedMessage, CannedMessageCreate, CannedMessageInput, CleanedText, ComposerRules, ComposerTextRequest, ErrorBody, IdParams, MessagingWindow, Ok, SensitiveCheck } from '@switchboard/protocol';
import { requireAdmin, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { AppError } from '../../errors.ts';
import { visibleConversation } from '../../actions/context.ts';

const notShared = () => new AppError('template_not_shared', 'Only shared canned messages can be reply templates; a personal quick reply cannot.', 422);

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const tags = ['composer'];

/** The tables of migrations 004, 007 and 008, typed here so the shared schema stays untouched. */
interface ComposerTables {
  canned_messages: { id: number; title: string; body: string; created_by: number | null; owner_id: number | null; template: number; created_at: number; updated_at: number };
  composer_settings: { key: string; value: string; updated_at: number };
}

const present = (r: ComposerTables['canned_messages']): CannedMessage => ({
  id: r.id,
  title: r.title,
  body: r.body,
  ownerId: r.owner_id === null ? null : Number(r.owner_id),
  template: Boolean(Number(r.template)),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

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
    app.addHook('preHandler', requireAuth);
    const db = s.store.db as unknown as Kysely<ComposerTables>;

    // Rules change rarely and are read on every check: keep them for a few seconds per process.
    let cached: { at: number; rules: ComposerRules } | null = null;
    async function rules(): Promise<ComposerRules> {
      const now = Date.now();
      if (cached && now - cached.at < 5000) return cached.rules;
      const row = await db.selectFrom('composer_settings').select('value').where('key', '=', 'composer').executeTakeFirst();
      let parsed: ComposerRules;
      try {
        parsed = ComposerRules.parse(row ? JSON.parse(row.value) : {});
      } catch {
        parsed = ComposerRules.parse({});
      }
      cached = { at: now, rules: parsed };
      return parsed;
    }

    /** The canned message this viewer may see (shared, or their own), else 404; a shared one needs an administrator to change. */
    async function writable(req: Parameters<typeof viewerOf>[0], id: number) {
      const v = viewerOf(req);
      const row = await db.selectFrom('canned_messages').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || (row.owner_id !== null && Number(row.owner_id) !== v.id)) throw new AppError('not_found', 'No such canned message.', 404);
      if (row.owner_id === null && !canAdminister(v)) throw new AppError('forbidden', 'Only administrators can change shared canned messages.', 403);
      return row;
    }

    app.get('/canned-messages', { schema: { tags, summary: 'Canned messages: the shared ones and your own quick replies, by title', response: { 200: z.object({ items: z.array(CannedMessage) }), ...errors } } }, async (req) => {
      const v = viewerOf(req);
      const rows = await db
        .selectFrom('canned_messages')
        .selectAll()
        .where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', v.id)]))
        .orderBy('title')
        .orderBy('id')
        .limit(1000)
        .execute();
      return { items: rows.map(present) };
    });
    app.post('/canned-messages', { schema: { tags, summary: 'Add a canned message (admin) or a personal quick reply (anyone)', body: CannedMessageCreate, response: { 201: CannedMessage, ...errors } } }, async (req, reply) => {
      const v = req.body.personal ? viewerOf(req) : requireAdmin(req);
      if (req.body.personal && req.body.template) throw notShared();
      const now = s.clock.now();
      const row = await db
        .insertInto('canned_messages')
        .values({ title: req.body.title, body: req.body.body, created_by: v.id, owner_id: req.body.personal ? v.id : null, template: req.body.template ? 1 : 0, created_at: now, updated_at: now } as never)
        .returningAll()
        .executeTakeFirstOrThrow();
      return reply.code(201).send(present(row));
    });
    app.put('/canned-messages/:id', { schema: { tags, summary: 'Change a shared canned message (admin) or your own quick reply', params: IdParams, body: CannedMessageInput, response: { 200: CannedMessage, ...errors } } }, async (req) => {
      const before = await writable(req, req.params.id);
      if (before.owner_id !== null && req.body.template) throw notShared();
      const row = await db
        .updateTable('canned_messages')
        .set({ title: req.body.title, body: req.body.body, ...(req.body.template === undefined ? {} : { template: req.body.template ? 1 : 0 }), updated_at: s.clock.now() })
        .where('id', '=', req.params.id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new AppError('not_found', 'No such canned message.', 404);
      return present(row);
    });
    app.delete('/canned-messages/:id', { schema: { tags, summary: 'Delete a shared canned message (admin) or your own quick reply', params: IdParams, response: { 200: Ok, ...errors } } }, async (req) => {
      await writable(req, req.params.id);
      const r = await db.deleteFrom('canned_messages').where('id', '=', req.params.id).executeTakeFirst();
      if (!Number(r.numDeletedRows)) throw new AppError('not_found', 'No such canned message.', 404);
      return { ok: true as const };
    });

    app.get(
      '/conversations/:id/messaging-window',
      { schema: { tags, summary: 'Whether a free-form reply may be sent now (WhatsApp 24-hour window, seed 004)', params: IdParams, response: { 200: MessagingWindow, ...errors } } },
      async (req) => {
        const c = await visibleConversation(s.actions, viewerOf(req), req.params.id);
        const now = s.clock.now();
        return { freeForm: canSendFreeForm(c.channel, c.last_customer_message_at, now), closesAt: messagingWindowClosesAt(c.channel, c.last_customer_message_at), now };
      },
    );

    app.get('/composer/rules', { schema: { tags, summary: 'Words and patterns to avoid, and what Clean up input removes', response: { 200: ComposerRules, ...errors } } }, async () => rules());
    app.put('/composer/rules', { schema: { tags, summary: 'Set the composer rules (admin)', body: ComposerRules, response: { 200: ComposerRules, ...errors } } }, async (req) => {
      requireAdmin(req);
      const bad = [...req.body.sensitivePatterns, ...req.body.cleanupPatterns].filter((p) => {
        try {
          new RegExp(p, 'u');
          return false;
        } catch {
          return true;
        }
      });
      if (bad.length) throw new AppError('invalid_pattern', `Not a valid pattern: ${bad[0]}`, 422, { patterns: bad });
      const value = JSON.stringify(req.body);
      const now = s.clock.now();
      const updated = await db.updateTable('composer_settings').set({ value, updated_at: now }).where('key', '=', 'composer').executeTakeFirst();
      if (!Number(updated.numUpdatedRows)) await db.insertInto('composer_settings').values({ key: 'composer', value, updated_at: now }).execute();
      cached = null;
      return rules();
    });
    app.post('/composer/check', { schema: { tags, summary: 'Find sensitive data in a reply before it is sent', body: ComposerTextRequest, response: { 200: SensitiveCheck, ...errors } } }, async (req) => {
      viewerOf(req);
      const r = await rules();
      return { findings: findSensitive(req.body.text, { words: r.sensitiveWords, patterns: r.sensitivePatterns }) };
    });
    app.post('/composer/clean', { schema: { tags, summary: 'Clean up pasted text (Clean up input)', body: ComposerTextRequest, response: { 200: CleanedText, ...errors } } }, async (req) => {
      const r = await rules();
      return { text: cleanUpInput(req.body.text, { remove: r.cleanupPatterns }) };
    });
  };
}
