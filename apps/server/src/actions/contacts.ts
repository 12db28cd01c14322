import { customerTagChanged, forgetFactsCustomer } from './reportFacts.ts';
import type { z } from 'zod';
import type { CreateContactRequest, UpdateContactRequest } from '@switchboard/protocol';
import { canChangeContact, canManageConversation, canSeeContact, type Viewer } from '@switchboard/core';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { Tx } from '../store/db.ts';
import { presentContacts } from '../presenters/contacts.ts';
import { lockVisibleConversation, runAction, type ActionContext } from './context.ts';
import { emitConversationUpdated, systemLine } from './conversationRows.ts';
import { scopeOf, participantsOf, patchConversation } from '../store/conversations.ts';
import { contactReach } from '../store/contacts.ts';

type NewContact = z.infer<typeof CreateContactRequest>;

export async function insertContact(tx: Tx, c: NewContact, now: number): Promise<number> {
  const row = await tx
    .insertInto('contacts')
    .values({
      name: c.name,
      email: c.email ?? null,
      phone: c.phone ?? null,
      attributes: JSON.stringify(c.attributes ?? {}),
      source: JSON.stringify(c.source ?? {}),
      blocked: 0,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (c.identities?.length) {
    await tx
      .insertInto('contact_identities')
      .values(c.identities.map((i) => ({ contact_id: row.id, channel: i.channel, external_id: i.externalId })))
      .execute();
  }
  return row.id;
}

/** The most conversations a contact change is announced through (the newest); older ones reload it. */
const ANNOUNCE_THROUGH = 50;

/**
 * A contact change reaches those who may see the contact (core `canSeeContact`): one event per
 * conversation of the contact, scoped like the conversation, so live delivery and replay judge it
 * exactly as REST does; never the customer (internal). A contact without conversations: the actor.
 */
async function announceContact(tx: Tx, emit: Parameters<Parameters<typeof runAction>[1]>[1], contactId: number, actorId: number, now: number) {
  const row = await tx.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
  const [contact] = await presentContacts(tx, [row]);
  const convs = await tx.selectFrom('conversations').select(['id', 'queue_id', 'assignee_id']).where('contact_id', '=', contactId).orderBy('id', 'desc').limit(ANNOUNCE_THROUGH).execute();
  const parts = await participantsOf(tx, convs.map((c) => c.id));
  for (const c of convs) {
    const participantIds = parts.get(c.id) ?? [];
    emit({ type: 'contact.updated', conversationId: c.id, scope: { ...scopeOf({ ...c, participantIds }), internal: true }, data: contact, actorId, at: now });
  }
  if (!convs.length) emit({ type: 'contact.updated', scope: { userId: actorId }, data: contact, actorId, at: now });
  return contact!;
}

/**
 * The contact rule at the door of every contact read and write: unreachable → 404 (its existence is
 * not revealed); readable but not changeable (the "browse contacts" right) → 403.
 */
export async function reachContact(db: Tx | ActionContext['store']['db'], viewer: Viewer, contactId: number, need: 'read' | 'change'): Promise<void> {
  const exists = await db.selectFrom('contacts').select('id').where('id', '=', contactId).executeTakeFirst();
  if (!exists) throw notFound('contact');
  if (viewer.role === 'admin') return;
  const reach = await contactReach(db, contactId);
  if (!canSeeContact(viewer, reach)) throw notFound('contact');
  if (need === 'change' && !canChangeContact(viewer, reach)) throw new AppError('forbidden', 'You may read this customer but not change them: they are in none of your conversations.', 403);
}

export async function createContact(ctx: ActionContext, viewer: Viewer, input: NewContact) {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    try {
      const id = await insertContact(tx, input, now);
      return announceContact(tx, emit, id, viewer.id, now);
    } catch (e) {
      if (/unique|duplicate/i.test(String(e))) throw new AppError('identity_taken', 'Another contact already has that channel identity.', 409);
      throw e;
    }
  });
}

export async function updateContact(ctx: ActionContext, viewer: Viewer, contactId: number, input: z.infer<typeof UpdateContactRequest>) {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    await reachContact(tx, viewer, contactId, 'change');
    const existing = await tx.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    const attributes = input.attributes ? { ...JSON.parse(existing.attributes), ...input.attributes } : undefined;
    await tx
      .updateTable('contacts')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        ...(attributes ? { attributes: JSON.stringify(attributes) } : {}),
        ...(input.source ? { source: JSON.stringify(input.source) } : {}),
        updated_at: now,
      })
      .where('id', '=', contactId)
      .execute();
    return announceContact(tx, emit, contactId, viewer.id, now);
  });
}

/** Seed 002: a blocked customer can neither send nor receive messages until unblocked. */
export async function setCustomerBlocked(ctx: ActionContext, viewer: Viewer, contactId: number, blocked: boolean) {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    await reachContact(tx, viewer, contactId, 'change');
    const res = await tx.updateTable('contacts').set({ blocked: blocked ? 1 : 0, updated_at: now }).where('id', '=', contactId).executeTakeFirst();
    if (!Number(res.numUpdatedRows)) throw notFound('contact');
    return announceContact(tx, emit, contactId, viewer.id, now);
  });
}

export async function setContactTag(ctx: ActionContext, viewer: Viewer, contactId: number, tagId: number, pinned: boolean) {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const tag = await tx.selectFrom('tags').select('kind').where('id', '=', tagId).executeTakeFirst();
    await reachContact(tx, viewer, contactId, 'change');
    if (!tag || tag.kind !== 'customer') throw new AppError('tag_not_found', 'No such customer tag.', 422);
    const had = await tx.selectFrom('contact_tags').select('tag_id').where('contact_id', '=', contactId).where('tag_id', '=', tagId).executeTakeFirst();
    if (!had) await customerTagChanged(tx, contactId, tagId, true);
    await tx
      .insertInto('contact_tags')
      .values({ contact_id: contactId, tag_id: tagId, pinned: pinned ? 1 : 0 })
      .onConflict((oc) => oc.columns(['contact_id', 'tag_id']).doUpdateSet({ pinned: pinned ? 1 : 0 }))
      .execute();
    return announceContact(tx, emit, contactId, viewer.id, now);
  });
}

export async function removeContactTag(ctx: ActionContext, viewer: Viewer, contactId: number, tagId: number) {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    await reachContact(tx, viewer, contactId, 'change');
    const gone = await tx.deleteFrom('contact_tags').where('contact_id', '=', contactId).where('tag_id', '=', tagId).executeTakeFirst();
    if (Number(gone.numDeletedRows)) await customerTagChanged(tx, contactId, tagId, false);
    return announceContact(tx, emit, contactId, viewer.id, now);
  });
}

/**
 * Seed 002 "Unpin customer": the conversation forgets its customer (the link in the customer's card
 * goes, and with it the customer's analytics on this conversation); the customer stays in the system.
 */
export async function unpinCustomer(ctx: ActionContext, viewer: Viewer & { name: string }, conversationId: number) {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    if (!canManageConversation(viewer, scopeOf(c))) throw forbidden();
    if (c.contact_id == null) throw new AppError('already_unpinned', 'This conversation has no customer pinned.', 409);
    await patchConversation(tx, c.id, { contact_id: null, updated_at: now });
    await forgetFactsCustomer(tx, c.id);
    const next = { ...c, contact_id: null, updated_at: now };
    // Announced without the customer: the line is the conversation's, no longer theirs.
    await systemLine(tx, emit, next, { kind: 'unpinned', byUserId: viewer.id }, `Customer unpinned by ${viewer.name}`, viewer.id, now);
    await emitConversationUpdated(tx, emit, next, viewer.id, now);
  });
}
