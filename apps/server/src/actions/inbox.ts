import { conversationDimensionsChanged, forgetConversationFacts } from './reportFacts.ts';
import { canDeleteConversations, canManageConversation, type Viewer } from '@switchboard/core';
import type { z } from 'zod';
import type { UpdateConversationRequest } from '@switchboard/protocol';
import { AppError, forbidden } from '../errors.ts';
import { visibleTo, scopeOf, eventScopeOf, participantsOf, removeConversations, patchConversation } from '../store/conversations.ts';
import { userStateFor } from '../presenters/conversations.ts';
import { lockVisibleConversation, runAction, visibleConversation, type ActionContext } from './context.ts';
import { markReadUpTo } from './messages.ts';
import { emitConversationUpdated } from './conversationRows.ts';
import { sensitiveTextCheck } from '../composer/draftCheck.ts';

async function announceUnread(ctx: ActionContext, tx: Parameters<Parameters<typeof runAction>[1]>[0], emit: Parameters<Parameters<typeof runAction>[1]>[1], userId: number, conversationId: number, now: number) {
  const state = (await userStateFor(tx, userId, [conversationId])).get(conversationId)!;
  emit({
    type: 'unread.updated',
    conversationId,
    scope: { userId },
    data: { conversationId, unreadCount: state.unreadCount, markedUnread: state.markedUnread },
    actorId: userId,
    at: now,
  });
}

/** Opening a conversation reads it: unread count to zero, any "mark as unread" cleared. */
export async function markConversationRead(ctx: ActionContext, viewer: Viewer, conversationId: number) {
  const c = await visibleConversation(ctx, viewer, conversationId);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const last = await tx.selectFrom('messages').select((eb) => eb.fn.max('id').as('id')).where('conversation_id', '=', c.id).executeTakeFirst();
    await markReadUpTo(tx, viewer.id, c.id, Number(last?.id ?? 0));
    await announceUnread(ctx, tx, emit, viewer.id, c.id, now);
  });
}

/** Seed 002: "The dialogue becomes unread only for the user who marked it so." */
export async function markConversationUnread(ctx: ActionContext, viewer: Viewer, conversationId: number) {
  const c = await visibleConversation(ctx, viewer, conversationId);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    await tx
      .insertInto('conversation_reads')
      .values({ user_id: viewer.id, conversation_id: c.id, last_read_message_id: 0, marked_unread: 1 })
      .onConflict((oc) => oc.columns(['user_id', 'conversation_id']).doUpdateSet({ marked_unread: 1 }))
      .execute();
    await announceUnread(ctx, tx, emit, viewer.id, c.id, now);
  });
}

/** Drafts are kept per user per conversation on the server, so they survive a reload (our decision over seed 002). */
export async function saveDraft(ctx: ActionContext, viewer: Viewer, conversationId: number, body: string) {
  const c = await visibleConversation(ctx, viewer, conversationId);
  const now = ctx.clock.now();
  const sensitive = body.trim() === '' ? false : (await sensitiveTextCheck(ctx.store.db))(body);
  await runAction(ctx, async (tx, emit) => {
    if (body.trim() === '') {
      await tx.deleteFrom('drafts').where('user_id', '=', viewer.id).where('conversation_id', '=', c.id).execute();
    } else {
      await tx
        .insertInto('drafts')
        .values({ user_id: viewer.id, conversation_id: c.id, body, updated_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'conversation_id']).doUpdateSet({ body, updated_at: now }))
        .execute();
    }
    emit({
      type: 'draft.updated',
      conversationId: c.id,
      scope: { userId: viewer.id },
      data: { conversationId: c.id, draft: body.trim() === '' ? null : { body, updatedAt: now, sensitive } },
      actorId: viewer.id,
      at: now,
    });
  });
}

/** Seed 002 "Deleting dialogs": several at once, for users with the right. */
export async function deleteConversations(ctx: ActionContext, viewer: Viewer, ids: number[]): Promise<number> {
  if (!canDeleteConversations(viewer)) throw forbidden('Deleting conversations needs the delete right.');
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const rows = await tx
      .selectFrom('conversations as c')
      .select(['c.id', 'c.queue_id', 'c.assignee_id', 'c.contact_id'])
      .where('c.id', 'in', ids)
      .where((eb) => visibleTo(eb, viewer))
      .execute();
    if (!rows.length) return 0;
    const found = rows.map((r) => r.id);
    const parts = await participantsOf(tx, found);
    for (const r of rows) {
      const participantIds = parts.get(r.id) ?? [];
      emit({
        type: 'conversation.deleted',
        conversationId: r.id,
        scope: eventScopeOf({ ...r, participantIds }),
        data: { id: r.id },
        actorId: viewer.id,
        at: now,
      });
    }
    // Events keep the id for replay; the rows and their messages go (cascade).
    // Their contributions leave the rollups before the facts cascade away with the rows.
    await forgetConversationFacts(tx, found);
    await removeConversations(tx, found);
    return found.length;
  });
}

/** Priority, subject, workflow labels and conversation tags (seed 004). */
export async function updateConversation(ctx: ActionContext, viewer: Viewer, conversationId: number, input: z.infer<typeof UpdateConversationRequest>) {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    if (!canManageConversation(viewer, scopeOf(c))) throw forbidden();
    const patch: { priority?: string; subject?: string | null; updated_at: number } = { updated_at: now };
    if (input.priority !== undefined) patch.priority = input.priority;
    if (input.subject !== undefined) patch.subject = input.subject;
    await patchConversation(tx, c.id, patch);
    if (input.labelIds) {
      const labels = input.labelIds.length ? await tx.selectFrom('labels').select('id').where('id', 'in', input.labelIds).execute() : [];
      if (labels.length !== new Set(input.labelIds).size) throw new AppError('label_not_found', 'One of the labels does not exist.', 422);
      const was = await tx.selectFrom('conversation_labels').select('label_id').where('conversation_id', '=', c.id).execute();
      await tx.deleteFrom('conversation_labels').where('conversation_id', '=', c.id).execute();
      await conversationDimensionsChanged(tx, c.id, 'label', was.map((r) => r.label_id), labels.map((l) => l.id));
      if (labels.length) await tx.insertInto('conversation_labels').values(labels.map((l) => ({ conversation_id: c.id, label_id: l.id }))).execute();
    }
    if (input.tagIds) {
      const tags = input.tagIds.length ? await tx.selectFrom('tags').select('id').where('id', 'in', input.tagIds).where('kind', '=', 'conversation').execute() : [];
      if (tags.length !== new Set(input.tagIds).size) throw new AppError('tag_not_found', 'One of the conversation tags does not exist.', 422);
      const was = await tx.selectFrom('conversation_tags').select('tag_id').where('conversation_id', '=', c.id).execute();
      await tx.deleteFrom('conversation_tags').where('conversation_id', '=', c.id).execute();
      await conversationDimensionsChanged(tx, c.id, 'tag', was.map((r) => r.tag_id), tags.map((t) => t.id));
      if (tags.length) await tx.insertInto('conversation_tags').values(tags.map((t) => ({ conversation_id: c.id, tag_id: t.id }))).execute();
    }
    await emitConversationUpdated(tx, emit, { ...c, ...patch } as typeof c, viewer.id, now);
  });
}

