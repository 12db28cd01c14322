import { sql } from 'kysely';
import {
  conversationTimers,
  isResolveKeywordMessage,
  planOffers,
  transition,
  type Candidate,
  type ConversationStatus,
  type LifecycleCommand,
  type RoutingPolicy,
  type TimedConversation,
  type WaitingConversation,
} from '@switchboard/core';
import type { AgentPresence, Offer } from '@switchboard/protocol';
import type { Db, Tx } from '../store/db.ts';
import { isPostgres } from '../store/dialect.ts';
import { loadConversation, patchConversation, type ConversationRow, type ConversationWithAccess } from '../store/conversations.ts';
import type { NewEvent } from '../store/events.ts';
import type { OffersTable } from '../store/schema.ts';
import type { Selectable } from 'kysely';
import { presentConversationCores } from '../presenters/conversations.ts';
import { emitConversationUpdated, revokeFromThoseWhoLostSight, systemLine } from '../actions/conversationRows.ts';
import { fromRefusal } from '../errors.ts';
import { clearTimers, setTimer, setTimers } from '../store/timers.ts';
import { loadPolicy } from './policy.ts';
import { countsChange } from './counts.ts';
import { initiatorLostConversation } from '../actions/discuss/system.ts';
import { recordConversationFacts } from '../actions/reportFacts.ts';

export type Emit = (...e: NewEvent[]) => void;
export type OfferRow = Selectable<OffersTable>;

/** Statuses that count against an agent's capacity. */
const LOAD_STATUSES = ['active', 'pending'] as const;
/** How many waiting conversations one routing pass looks at beyond the free places. */
const LOOKAHEAD = 50;

export function presentOffer(o: OfferRow): Offer {
  return { id: o.id, conversationId: o.conversation_id, userId: o.user_id, status: o.status, createdAt: o.created_at, expiresAt: o.expires_at };
}

function timed(c: ConversationRow): TimedConversation {
  return {
    status: c.status as ConversationStatus,
    assigneeId: c.assignee_id,
    createdAt: c.created_at,
    firstResponseAt: c.first_response_at,
    lastCustomerMessageAt: c.last_customer_message_at,
    lastAgentMessageAt: c.last_agent_message_at,
    replyDueAt: c.reply_due_at ?? null,
  };
}

const isWaiting = (c: Pick<ConversationRow, 'status' | 'assignee_id'> | null) => !!c && c.status === 'queued' && c.assignee_id == null;
/** What a conversation adds to its agent: a place against capacity, a wrap-up, or nothing. */
const loadOf = (c: Pick<ConversationRow, 'status' | 'assignee_id'> | null): string | null =>
  c && c.assignee_id != null && ['active', 'pending', 'wrap_up'].includes(c.status) ? `${c.assignee_id}:${c.status === 'wrap_up' ? 'wrap' : 'load'}` : null;
function bucket(c: Pick<ConversationRow, 'status' | 'assignee_id' | 'queue_id'> | null): string {
  if (!c) return '';
  if (isWaiting(c)) return `${c.queue_id}:waiting`;
  return `${c.queue_id}:${c.status}`;
}

/** Could the conversation in this state have a timer of this kind? (Timers follow the state.) */
function hadTimer(c: ConversationRow | null, kind: string, policy: RoutingPolicy): boolean {
  if (!c) return false;
  switch (kind) {
    case 'wrap_up':
      return c.status === 'wrap_up';
    case 'abandon':
      // A timer left from before the queue stopped abandoning requests is dropped when due (core).
      return c.status === 'queued' && policy.abandonAfterMs != null;
    case 'inactivity_resolve':
      return c.status === 'active' || c.status === 'pending';
    case 'reply_due':
      return c.reply_due_at != null;
    default:
      return true;
  }
}

// ---------------------------------------------------------------- agents

/** Status and load of agents (all, or some), for supervisors, the transfer picker and presence events. */
export async function agentPresences(db: Db | Tx, userIds?: number[]): Promise<AgentPresence[]> {
  if (userIds && userIds.length === 0) return [];
  // Bots hold conversations but have no presence, capacity or status: they are not on the board.
  let uq = db.selectFrom('users').select(['id', 'name', 'role', 'status', 'capacity']).where('disabled', '=', 0).where('kind', '=', 'human');
  if (userIds) uq = uq.where('id', 'in', userIds);
  const users = await uq.orderBy('name').execute();
  const ids = users.map((u) => u.id);
  if (!ids.length) return [];
  const [loads, offers, members] = await Promise.all([
    db
      .selectFrom('conversations')
      .select(['assignee_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('assignee_id', 'in', ids)
      .where('status', 'in', ['active', 'pending', 'wrap_up'])
      .groupBy(['assignee_id', 'status'])
      .execute(),
    db.selectFrom('offers').select(['user_id', (eb) => eb.fn.countAll<number>().as('n')]).where('user_id', 'in', ids).where('status', '=', 'offered').groupBy('user_id').execute(),
    db.selectFrom('queue_members').select(['user_id', 'queue_id', 'serving']).where('user_id', 'in', ids).execute(),
  ]);
  return users.map((u) => {
    const mine = loads.filter((l) => l.assignee_id === u.id);
    const m = members.filter((x) => x.user_id === u.id);
    return {
      userId: u.id,
      name: u.name,
      role: u.role,
      status: u.status as AgentPresence['status'],
      capacity: u.capacity,
      load: mine.filter((l) => l.status !== 'wrap_up').reduce((a, l) => a + Number(l.n), 0),
      openOffers: Number(offers.find((o) => o.user_id === u.id)?.n ?? 0),
      inWrapUp: mine.filter((l) => l.status === 'wrap_up').reduce((a, l) => a + Number(l.n), 0),
      queueIds: m.map((x) => x.queue_id).sort((a, b) => a - b),
      servingQueueIds: m.filter((x) => x.serving === 1).map((x) => x.queue_id).sort((a, b) => a - b),
    };
  });
}

/** `presence.updated`: workspace-wide, so supervisors see status and load live. */
export async function emitPresence(tx: Tx, emit: Emit, userIds: number[], now: number, actorId: number | null = null): Promise<void> {
  for (const p of await agentPresences(tx, [...new Set(userIds)])) {
    emit({ type: 'presence.updated', scope: { broadcast: true }, data: p, actorId, at: now });
  }
}

async function servingQueues(tx: Tx, userId: number): Promise<number[]> {
  const rows = await tx.selectFrom('queue_members').select('queue_id').where('user_id', '=', userId).where('serving', '=', 1).execute();
  return rows.map((r) => r.queue_id);
}

/** The queue's available serving members with their load (only `onlyIds` among them, when given). */
async function loadCandidates(tx: Tx, queueId: number, defaultCapacity: number, onlyIds?: number[]): Promise<Candidate[]> {
  let uq = tx
    .selectFrom('queue_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.status', 'u.capacity', 'u.last_routed_at', 'm.serving'])
    .where('m.queue_id', '=', queueId)
    .where('u.disabled', '=', 0)
    .where('u.kind', '=', 'human'); // a bot is given conversations by its queue, never offered them
  if (onlyIds) uq = uq.where('u.id', 'in', onlyIds);
  const users = await uq.execute();
  const available = users.filter((u) => u.status === 'available' && u.serving === 1);
  if (!available.length) return [];
  const ids = available.map((u) => u.id);
  const [loads, offers] = await Promise.all([
    tx
      .selectFrom('conversations')
      .select(['assignee_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('assignee_id', 'in', ids)
      .where('status', 'in', [...LOAD_STATUSES, 'wrap_up'])
      .groupBy(['assignee_id', 'status'])
      .execute(),
    tx.selectFrom('offers').select(['user_id', (eb) => eb.fn.countAll<number>().as('n')]).where('user_id', 'in', ids).where('status', '=', 'offered').groupBy('user_id').execute(),
  ]);
  return available.map((u) => ({
    id: u.id,
    status: 'available',
    serving: true,
    capacity: u.capacity ?? defaultCapacity,
    load: loads.filter((l) => l.assignee_id === u.id && l.status !== 'wrap_up').reduce((a, l) => a + Number(l.n), 0),
    openOffers: Number(offers.find((o) => o.user_id === u.id)?.n ?? 0),
    inWrapUp: loads.some((l) => l.assignee_id === u.id && l.status === 'wrap_up'),
    lastRoutedAt: u.last_routed_at,
  }));
}

// ---------------------------------------------------------------- offers

/** Makes a pass's offers set-based: one insert of the offers, one of their timers, one update of the agents. */
async function offerTo(tx: Tx, emit: Emit, rows: { conversation: ConversationRow; agentId: number }[], offerTimeoutMs: number, now: number): Promise<void> {
  if (!rows.length) return;
  const [cores, offers] = await Promise.all([
    presentConversationCores(tx, rows.map((r) => r.conversation)),
    tx
      .insertInto('offers')
      .values(rows.map(({ conversation: c, agentId }) => ({ conversation_id: c.id, user_id: agentId, status: 'offered', created_at: now, expires_at: now + offerTimeoutMs, answered_at: null })))
      .returningAll()
      .execute(),
  ]);
  // RETURNING order is not promised: match each offer to its conversation by id (one open offer each).
  const offerOf = new Map(offers.map((o) => [o.conversation_id, o]));
  await setTimers(
    tx,
    offers.map((o) => ({ kind: 'offer_timeout', conversationId: o.conversation_id, userId: o.user_id, dueAt: o.expires_at, data: { offerId: o.id } })),
  );
  for (const [i, { conversation: c, agentId }] of rows.entries()) {
    const offer = offerOf.get(c.id)!;
    emit({ type: 'offer.created', conversationId: c.id, scope: { userId: agentId }, data: { offer: presentOffer(offer), conversation: cores[i] }, at: now });
  }
  const agents = [...new Set(rows.map((r) => r.agentId))];
  await tx.updateTable('users').set({ last_routed_at: now }).where('id', 'in', agents).execute();
}

/** Closes a conversation's open offer (if any) and tells the agent it no longer stands. */
export async function withdrawOpenOffer(tx: Tx, emit: Emit, conversationId: number, reason: 'taken' | 'conversation_closed' | 'agent_unavailable', now: number): Promise<OfferRow | undefined> {
  const open = await tx.selectFrom('offers').selectAll().where('conversation_id', '=', conversationId).where('status', '=', 'offered').executeTakeFirst();
  if (!open) return undefined;
  const r = await tx.updateTable('offers').set({ status: 'withdrawn', answered_at: now }).where('id', '=', open.id).where('status', '=', 'offered').executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return undefined;
  await clearTimers(tx, conversationId, ['offer_timeout'], open.user_id);
  emit({ type: 'offer.withdrawn', conversationId, scope: { userId: open.user_id }, data: { offerId: open.id, conversationId, reason }, at: now });
  return open;
}

/** Sends the agent's open offers on to others (they went away, or stopped serving a queue). */
export async function passOnOffersOf(tx: Tx, emit: Emit, userId: number, now: number, onlyQueues?: number[]): Promise<void> {
  let q = tx
    .selectFrom('offers as o')
    .innerJoin('conversations as c', 'c.id', 'o.conversation_id')
    .select(['o.conversation_id', 'c.queue_id'])
    .where('o.user_id', '=', userId)
    .where('o.status', '=', 'offered');
  if (onlyQueues) q = onlyQueues.length ? q.where('c.queue_id', 'in', onlyQueues) : q.where('c.queue_id', 'is', null);
  const open = await q.execute();
  for (const o of open) await withdrawOpenOffer(tx, emit, o.conversation_id, 'agent_unavailable', now);
  await routeQueues(tx, emit, open.map((o) => o.queue_id), now);
}


/**
 * Offers a queue's waiting conversations to its free agents (or assigns them, in auto-answer
 * queues), in processing order. Called after anything that adds a waiting conversation or frees an
 * agent. Runs inside the caller's transaction, so an offer commits with the change that caused it.
 */
export async function routeQueues(tx: Tx, emit: Emit, queueIds: (number | null)[], now: number, opts: { quiet?: boolean } = {}): Promise<void> {
  // In id order, so two passes over the same queues take their turns in the same order.
  const ids = [...new Set(queueIds.filter((q): q is number => q != null))].sort((a, b) => a - b);
  if (ids.length === 0) return;
  const postgres = isPostgres(tx);
  for (const queueId of ids) {
    const policy = await loadPolicy(tx, queueId);
    // Pick-list queues make no offers, so they need no routing.
    if (policy.mode !== 'pick_list') {
      let candidates = await loadCandidates(tx, queueId, policy.capacity);
      // Only a pass that found a free place holds agents (a queue with a backlog and every agent
      // busy must not make each arrival wait); the places are then read again under the locks.
      if (postgres && freePlaces(candidates) > 0) candidates = await holdFreeAgents(tx, queueId, candidates, policy.capacity);
      const free = freePlaces(candidates);
      const placed = free > 0 ? await routeWaiting(tx, emit, queueId, candidates, policy, free, now, postgres) : 0;
      // A quiet pass (the sweep) announces counts only when it changed something.
      if (opts.quiet && placed === 0) continue;
    } else if (opts.quiet) continue;
    countsChange(tx, [queueId]);
  }
}

/**
 * PostgreSQL writers run concurrently. Instead of one turn for everyone, a pass holds only what it
 * offers, to the end of its transaction: the rows of the agents with free places it offers to (so
 * two passes, of one queue or two, never both see an agent's last free place) and the rows of the
 * waiting conversations it offers (so two passes never offer one conversation; the unique index of
 * open offers is the last line). Rows another transaction holds are left out rather than waited
 * for: passes side by side take disjoint agents and conversations, none waits, so none deadlocks.
 * A place or a conversation left out is routed by the pass of the transaction holding it, or by the
 * next pass, or by the sweep. Returns the candidates read again under the locks.
 */
async function holdFreeAgents(tx: Tx, queueId: number, candidates: Candidate[], defaultCapacity: number): Promise<Candidate[]> {
  const ids = candidates.filter((c) => !c.inWrapUp && c.capacity - c.load - c.openOffers > 0).map((c) => c.id);
  // NO KEY UPDATE: an offer or an assignment naming the agent (a foreign key share lock) does not block it.
  const held = await tx.selectFrom('users').select('id').where('id', 'in', ids).orderBy('id').forNoKeyUpdate().skipLocked().execute();
  if (!held.length) return [];
  return loadCandidates(tx, queueId, defaultCapacity, held.map((r) => r.id));
}

function freePlaces(candidates: Candidate[]): number {
  return candidates.reduce((a, c) => a + (c.inWrapUp ? 0 : Math.max(0, c.capacity - c.load - c.openOffers)), 0);
}

/**
 * The safety net of routing: queues where a conversation waits without an offer get a routing pass
 * (run every few seconds by the timer loop). Catches a free place that two concurrent transactions
 * each could not see, and anything a lost wake-up left behind.
 */
export async function sweepWaitingQueues(tx: Tx, emit: Emit, now: number): Promise<void> {
  const rows = await tx
    .selectFrom('conversations as c')
    .innerJoin('queues as q', 'q.id', 'c.queue_id')
    .select('c.queue_id')
    .distinct()
    .where('c.status', '=', sql.lit('queued'))
    .where('c.assignee_id', 'is', null)
    .where('c.on_offer', '=', sql.lit(0))
    .where('q.routing_mode', '!=', 'pick_list')
    .execute();
  await routeQueues(tx, emit, rows.map((r) => r.queue_id), now, { quiet: true });
}

/** A queue's waiting conversations of one priority without an open offer, oldest first. */
export function waitingLine(db: Db | Tx, queueId: number, priority: string, limit: number) {
  return db
    .selectFrom('conversations as c')
    .selectAll('c')
    .where('c.queue_id', '=', queueId)
    // Literals, so both engines read the index of the waiting line by open-offer mark (028).
    .where('c.status', '=', sql.lit('queued'))
    .where('c.priority', '=', priority)
    .where('c.assignee_id', 'is', null)
    .where('c.on_offer', '=', sql.lit(0))
    .orderBy('c.queued_at')
    .orderBy('c.id')
    .limit(limit);
}

/** Offers (or assigns) waiting conversations to free places; returns how many it placed. */
async function routeWaiting(
  tx: Tx,
  emit: Emit,
  queueId: number,
  candidates: Candidate[],
  policy: Awaited<ReturnType<typeof loadPolicy>>,
  free: number,
  now: number,
  holdRows = false,
): Promise<number> {
  // One indexed range per priority, most urgent first, oldest first: never a sort of the whole line.
  const limit = Math.min(1000, free + LOOKAHEAD);
  let rows: ConversationRow[] = [];
  for (const priority of ['urgent', 'high', 'normal', 'low']) {
    if (rows.length >= limit) break;
    let q = waitingLine(tx, queueId, priority, limit - rows.length);
    if (holdRows) q = q.forNoKeyUpdate().skipLocked();
    rows.push(...(await q.execute()));
  }
  if (holdRows && rows.length) {
    // Read again now that they are held: a pass that offered one of them committed before we got
    // it, after this statement's snapshot. The row lock re-checks the row's on_offer mark already;
    // this keeps the guarantee from resting on the triggers alone.
    const offered = await tx.selectFrom('offers').select('conversation_id').where('conversation_id', 'in', rows.map((r) => r.id)).where('status', '=', 'offered').execute();
    const taken = new Set(offered.map((o) => o.conversation_id));
    rows = rows.filter((r) => !taken.has(r.id));
  }
  if (!rows.length) return 0;
  const convIds = rows.map((r) => r.id);
  const prevIds = [...new Set(rows.map((r) => r.previous_conversation_id).filter((x): x is number => x != null))];
  const [past, previous] = await Promise.all([
    tx.selectFrom('offers').select(['conversation_id', 'user_id', 'status', 'answered_at']).where('conversation_id', 'in', convIds).where('status', 'in', ['declined', 'expired']).execute(),
    prevIds.length ? tx.selectFrom('conversations').select(['id', 'assignee_id']).where('id', 'in', prevIds).execute() : Promise.resolve([]),
  ]);
  const waiting: WaitingConversation[] = rows.map((r) => {
    const mine = past.filter((p) => p.conversation_id === r.id);
    return {
      id: r.id,
      priority: r.priority,
      queuedAt: r.queued_at ?? r.created_at,
      declined: new Set(mine.filter((p) => p.status === 'declined').map((p) => p.user_id)),
      timedOut: new Map(mine.filter((p) => p.status === 'expired').map((p) => [p.user_id, p.answered_at ?? 0])),
      // Seed 003 alert order: a conversation raised from an earlier one goes first to that one's agent.
      // A chat from a ticket names its agent outright.
      preferredAgentId: r.preferred_agent_id ?? previous.find((p) => p.id === r.previous_conversation_id)?.assignee_id ?? null,
    };
  });
  const plan = planOffers(waiting, candidates, policy, now);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const offers = plan.filter((p) => !p.assign).map((p) => ({ conversation: byId.get(p.conversationId)!, agentId: p.agentId }));
  await offerTo(tx, emit, offers, policy.offerTimeoutMs, now);
  for (const p of plan.filter((x) => x.assign)) {
    const c = await loadConversation(tx, p.conversationId);
    await assignConversation(tx, emit, c, p.agentId, { how: 'auto', actorId: null }, now);
  }
  return plan.length;
}

// ---------------------------------------------------------------- assignment and lifecycle

async function userName(tx: Tx, id: number | null): Promise<string> {
  if (id == null) return 'the system';
  return (await tx.selectFrom('users').select('name').where('id', '=', id).executeTakeFirst())?.name ?? 'a former user';
}

const HOW: Record<'accepted' | 'picked' | 'auto', string> = { accepted: 'Accepted by', picked: 'Picked by', auto: 'Assigned automatically to' };

/** Gives a waiting conversation to an agent (accepted offer, pick, auto-answer). */
export async function assignConversation(
  tx: Tx,
  emit: Emit,
  c: ConversationWithAccess,
  agentId: number,
  opts: { how: 'accepted' | 'picked' | 'auto'; actorId: number | null },
  now: number,
): Promise<ConversationWithAccess> {
  const t = transition({ status: c.status as ConversationStatus, assigneeId: c.assignee_id }, { kind: 'assign', assigneeId: agentId });
  if (!t.ok) throw fromRefusal(t);
  await patchConversation(tx, c.id, { assignee_id: agentId, status: t.state.status, updated_at: now, queued_at: null });
  const next: ConversationWithAccess = { ...c, assignee_id: agentId, status: t.state.status, updated_at: now, queued_at: null };
  const name = await userName(tx, agentId);
  await systemLine(tx, emit, next, { kind: 'assigned', byUserId: opts.actorId, toUserId: agentId }, `${HOW[opts.how]} ${name}`, opts.actorId, now);
  await emitConversationUpdated(tx, emit, next, opts.actorId, now);
  // The queue's other agents no longer see it: their lists drop it now, not at their next reload.
  revokeFromThoseWhoLostSight(emit, c, next, opts.actorId, now);
  await afterConversationChange(tx, emit, c, next, now);
  return next;
}

/** Applies a lifecycle command decided by a timer or routing (no viewer), with its history line. */
export async function applyLifecycle(tx: Tx, emit: Emit, c: ConversationWithAccess, command: LifecycleCommand, line: { kind: 'resolved' | 'status'; text: string }, now: number, actorId: number | null = null): Promise<ConversationWithAccess> {
  const t = transition({ status: c.status as ConversationStatus, assigneeId: c.assignee_id }, command);
  if (!t.ok) throw fromRefusal(t);
  const resolved = t.state.status === 'resolved';
  const patch = { status: t.state.status, assignee_id: t.state.assigneeId, updated_at: now, last_activity_at: now, ...(resolved ? { resolved_at: now } : {}) };
  await patchConversation(tx, c.id, patch);
  const next: ConversationWithAccess = { ...c, ...patch };
  await systemLine(tx, emit, next, { kind: line.kind, byUserId: actorId, status: t.state.status }, line.text, actorId, now);
  await emitConversationUpdated(tx, emit, next, actorId, now);
  await afterConversationChange(tx, emit, c, next, now);
  return next;
}

/**
 * The one hook every conversation change goes through (intake, messages, lifecycle, routing): keeps
 * the lifecycle timers in step with the state, withdraws an offer that no longer stands, routes a
 * conversation that started waiting, offers a freed agent their next conversation, and announces
 * presence and queue counts that changed. Runs in the caller's transaction.
 */
export async function afterConversationChange(
  tx: Tx,
  emit: Emit,
  before: ConversationRow | null,
  after: ConversationRow,
  now: number,
  opts: { customerMessage?: { id: number; body: string } } = {},
): Promise<void> {
  const policy = await loadPolicy(tx, after.queue_id);
  // Reports: the fact moves with its cause, before the reply deadline below is recomputed.
  await recordConversationFacts(tx, before, after, now);

  // Timers, as the core asks.
  const startedWaiting = isWaiting(after) && (!isWaiting(before) || before!.queue_id !== after.queue_id);
  const plan = conversationTimers(before ? timed(before) : null, timed(after), policy, now);
  if (startedWaiting) for (const t of plan.set) if (t.kind === 'abandon') t.keepExisting = false;
  // Write only what changed: a timer kept as it is costs no statement, and only timers the previous
  // state could have had are cleared (most messages change neither).
  for (const t of plan.set) if (!t.keepExisting || !hadTimer(before, t.kind, policy)) await setTimer(tx, { kind: t.kind, conversationId: after.id, dueAt: t.dueAt });
  await clearTimers(tx, after.id, plan.clear.filter((k) => hadTimer(before, k, policy)));
  const patch: { reply_due_at?: number | null; queued_at?: number | null } = {};
  if (plan.replyDueAt !== (after.reply_due_at ?? null)) patch.reply_due_at = plan.replyDueAt;
  if (startedWaiting) patch.queued_at = now;
  if (Object.keys(patch).length) {
    await patchConversation(tx, after.id, patch);
    Object.assign(after, patch);
  }

  // An open offer stands only while the conversation waits in the queue it was offered from.
  if (isWaiting(before) && (!isWaiting(after) || before!.queue_id !== after.queue_id)) {
    await withdrawOpenOffer(tx, emit, after.id, isWaiting(after) || after.assignee_id != null ? 'taken' : 'conversation_closed', now);
  }

  // Seed 004: "thanks" from the customer resolves (through a timer, so it is an action of its own).
  if (opts.customerMessage && (after.status === 'active' || after.status === 'pending') && isResolveKeywordMessage(opts.customerMessage.body, policy.resolveKeywords)) {
    await setTimer(tx, { kind: 'keyword_resolve', conversationId: after.id, dueAt: now, data: { messageId: opts.customerMessage.id } });
  }

  // Seed 000: the initiator who lost the conversation loses his open requests and discussions on it.
  if (before?.assignee_id != null && before.assignee_id !== after.assignee_id) {
    const c = 'participantIds' in after ? (after as ConversationWithAccess) : await loadConversation(tx, after.id);
    await initiatorLostConversation(tx, emit, c, before.assignee_id, now);
  }

  // Load: who gained or lost a conversation, and who is free again.
  const routed = new Set<number>();
  if (loadOf(before) !== loadOf(after)) {
    const agents = [before?.assignee_id, after.assignee_id].filter((x): x is number => x != null);
    await emitPresence(tx, emit, agents, now);
    const freed = before?.assignee_id != null && loadOf(before) !== null && (after.assignee_id !== before.assignee_id || loadOf(after) === null);
    if (freed) {
      const queues = await servingQueues(tx, before!.assignee_id!);
      await routeQueues(tx, emit, queues, now);
      queues.forEach((q) => routed.add(q));
    }
  }
  if (startedWaiting && !routed.has(after.queue_id!)) {
    await routeQueues(tx, emit, [after.queue_id], now);
    routed.add(after.queue_id!);
  }
  if (bucket(before) !== bucket(after)) {
    countsChange(tx, [before?.queue_id ?? null, after.queue_id].filter((q) => q != null && !routed.has(q)));
  }
}
