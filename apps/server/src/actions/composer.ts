import { canAdminister, canManageCannedMessages, type Viewer } from '@switchboard/core';
import { ComposerRules, type CannedMessage, type CannedMessageCreate, type CannedMessageInput } from '@switchboard/protocol';
import type { z } from 'zod';
import type { Selectable } from 'kysely';
import { AppError } from '../errors.ts';
import type { Db, Tx } from '../store/db.ts';
import type { CannedMessagesTable } from '../store/schema.ts';
import { runAction, type ActionContext } from './context.ts';
import { compileComposerRules } from '../composer/adminPatterns.ts';

type CannedRow = Selectable<CannedMessagesTable>;

const notShared = () => new AppError('template_not_shared', 'Only shared canned messages can be reply templates; a personal quick reply cannot.', 422);
const noSuch = () => new AppError('not_found', 'No such canned message.', 404);

export const presentCannedMessage = (r: CannedRow): CannedMessage => ({
  id: r.id,
  title: r.title,
  body: r.body,
  ownerId: r.owner_id === null ? null : Number(r.owner_id),
  template: Boolean(Number(r.template)),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The shared canned messages and the viewer's own quick replies, by title. */
export async function listCannedMessages(db: Db, viewer: Viewer): Promise<CannedMessage[]> {
  const rows = await db
    .selectFrom('canned_messages')
    .selectAll()
    .where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', viewer.id)]))
    .orderBy('title')
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map(presentCannedMessage);
}

/**
 * The canned message this viewer may change: someone else's quick reply is not there for them (404,
 * like an unseen conversation), a shared one needs an administrator (403).
 */
async function writable(tx: Tx, viewer: Viewer, id: number): Promise<CannedRow> {
  const row = await tx.selectFrom('canned_messages').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (row.owner_id !== null && Number(row.owner_id) !== viewer.id)) throw noSuch();
  if (row.owner_id === null && !canManageCannedMessages(viewer)) throw new AppError('forbidden', 'Changing shared canned messages needs the canned-messages right.', 403);
  return row;
}

/** A shared canned message (the canned-messages right: administrators, or a group) or a personal quick reply (anyone); only shared ones may be templates. */
export async function createCannedMessage(ctx: ActionContext, viewer: Viewer, input: z.infer<typeof CannedMessageCreate>): Promise<CannedMessage> {
  if (!input.personal && !canManageCannedMessages(viewer)) throw new AppError('forbidden', 'Shared canned messages need the canned-messages right.', 403);
  if (input.personal && input.template) throw notShared();
  const now = ctx.clock.now();
  return runAction(ctx, async (tx) => {
    const row = await tx
      .insertInto('canned_messages')
      .values({ title: input.title, body: input.body, created_by: viewer.id, owner_id: input.personal ? viewer.id : null, template: input.template ? 1 : 0, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return presentCannedMessage(row);
  });
}

export async function updateCannedMessage(ctx: ActionContext, viewer: Viewer, id: number, input: z.infer<typeof CannedMessageInput>): Promise<CannedMessage> {
  return runAction(ctx, async (tx) => {
    const before = await writable(tx, viewer, id);
    if (before.owner_id !== null && input.template) throw notShared();
    const row = await tx
      .updateTable('canned_messages')
      .set({ title: input.title, body: input.body, ...(input.template === undefined ? {} : { template: input.template ? 1 : 0 }), updated_at: ctx.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw noSuch();
    return presentCannedMessage(row);
  });
}

export async function deleteCannedMessage(ctx: ActionContext, viewer: Viewer, id: number): Promise<void> {
  await runAction(ctx, async (tx) => {
    await writable(tx, viewer, id);
    const r = await tx.deleteFrom('canned_messages').where('id', '=', id).executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw noSuch();
  });
}

/** The composer's rules as stored; defaults when none are (or the stored ones no longer parse). */
export async function loadComposerRules(db: Db | Tx): Promise<ComposerRules> {
  const row = await db.selectFrom('composer_settings').select('value').where('key', '=', 'composer').executeTakeFirst();
  try {
    return ComposerRules.parse(row ? JSON.parse(row.value) : {});
  } catch {
    return ComposerRules.parse({});
  }
}

/**
 * Administrators set the words and patterns to avoid and what Clean up input removes. A pattern
 * must compile in the linear-time engine: a typo is `invalid_pattern`, valid JavaScript RE2 cannot
 * run (backreferences, lookaround) is `pattern_unsupported`; both 422 with the patterns listed.
 */
export async function saveComposerRules(ctx: ActionContext, viewer: Viewer, rules: ComposerRules): Promise<void> {
  if (!canAdminister(viewer)) throw new AppError('forbidden', 'Only administrators can do that.', 403);
  const { refused } = compileComposerRules(rules);
  const first = refused[0];
  if (first) {
    const message =
      first.code === 'pattern_unsupported'
        ? `This pattern needs backtracking, which patterns may not use (no backreferences or lookaround): ${first.pattern} (${first.reason})`
        : `Not a valid pattern: ${first.pattern} (${first.reason})`;
    throw new AppError(first.code, message, 422, { patterns: refused });
  }
  const value = JSON.stringify(rules);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx) => {
    await tx
      .insertInto('composer_settings')
      .values({ key: 'composer', value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  });
}
