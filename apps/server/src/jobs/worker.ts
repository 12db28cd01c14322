import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { CONVERSATION_TIMER_KINDS, REQUEST_TIMER_KINDS, onTimerDue, type ConversationStatus, type ConversationTimerKind } from '@switchboard/core';
import { runAction, type ActionContext } from '../actions/context.ts';
import type { Tx } from '../store/db.ts';
import { loadPolicy } from '../routing/policy.ts';
import { applyLifecycle, sweepWaitingQueues, type Emit } from '../routing/engine.ts';
import { expireOffer, expireOffers } from '../actions/routing/offers.ts';
import { claimDueTimers, setTimer, takeClaimedTimer, takeClaimedTimers, type TimerRow } from '../store/timers.ts';
import { timeOutRequest } from '../actions/discuss/system.ts';
import { loadConversation, scopeOf } from '../store/conversations.ts';

export interface TimerRunOptions {
  /** Who claims; two workers (or processes) must differ. */
  workerId?: string;
  batch?: number;
  /** How long a claim holds before another worker may take the timer (a crashed worker's). */
  leaseMs?: number;
}

const PROCESS_WORKER = `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;

async function lockedConversation(tx: Tx, id: number, postgres: boolean) {
  if (postgres) await tx.selectFrom('conversations').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return loadConversation(tx, id);
}

/** What each kind of timer does when it fires; every one re-checks the state it guards. */
async function fire(ctx: ActionContext, tx: Tx, emit: Emit, t: TimerRow, now: number): Promise<void> {
  const data = t.data ? (JSON.parse(t.data) as Record<string, number>) : {};
  if (t.kind === 'offer_timeout') {
    await expireOffer(tx, emit, data.offerId!, now);
    return;
  }
  if (t.conversation_id == null) return;
  const c = await lockedConversation(tx, t.conversation_id, ctx.store.dialect === 'postgres');
  if ((REQUEST_TIMER_KINDS as readonly string[]).includes(t.kind)) {
    await timeOutRequest(tx, emit, c, data.requestId!, now); // seed 000 auto timeout
    return;
  }
  const policy = await loadPolicy(tx, c.queue_id);
  if (t.kind === 'keyword_resolve') {
    // Only if the keyword message is still the customer's last word and the conversation is open.
    const last = await tx.selectFrom('messages').select('id').where('conversation_id', '=', c.id).where('sender_kind', '=', 'customer').orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (last?.id !== data.messageId || (c.status !== 'active' && c.status !== 'pending')) return;
    await applyLifecycle(tx, emit, c, { kind: 'resolve' }, { kind: 'resolved', text: 'Resolved automatically: the customer said it is sorted' }, now);
    return;
  }
  if (!(CONVERSATION_TIMER_KINDS as readonly string[]).includes(t.kind)) return;
  const kind = t.kind as ConversationTimerKind;
  const d = onTimerDue(
    kind,
    {
      status: c.status as ConversationStatus,
      assigneeId: c.assignee_id,
      createdAt: c.created_at,
      firstResponseAt: c.first_response_at,
      lastCustomerMessageAt: c.last_customer_message_at,
      lastAgentMessageAt: c.last_agent_message_at,
      replyDueAt: c.reply_due_at,
    },
    policy,
    now,
  );
  switch (d.kind) {
    case 'apply':
      await applyLifecycle(tx, emit, c, d.command, { kind: d.command.kind === 'abandon' ? 'status' : 'resolved', text: `${TEXT[kind]} (${d.reason})` }, now);
      return;
    case 'reschedule':
      await setTimer(tx, { kind, conversationId: c.id, dueAt: d.dueAt });
      return;
    case 'breach':
      emit({
        type: 'reply_time.breached',
        conversationId: c.id,
        scope: scopeOf(c),
        data: { conversationId: c.id, queueId: c.queue_id, assigneeId: c.assignee_id, dueAt: c.reply_due_at ?? now }, // (the core breaches only a set deadline)
        at: now,
      });
      return;
    case 'drop':
      return;
  }
}

const TEXT: Record<ConversationTimerKind, string> = {
  wrap_up: 'Wrap-up closed automatically',
  abandon: 'Abandoned',
  inactivity_resolve: 'Resolved automatically',
  reply_due: 'Reply time breached',
};

/** Offer id of an offer timer. */
const offerIdOf = (t: TimerRow) => (JSON.parse(t.data ?? '{}') as { offerId?: number }).offerId;

/** One timer in its own transaction, taken under this worker's claim; false when it was not ours to fire. */
async function fireOne(ctx: ActionContext, t: TimerRow, workerId: string, now: number, log?: Logger): Promise<boolean> {
  try {
    return await runAction(ctx, async (tx, emit) => {
      if (!(await takeClaimedTimer(tx, t.id, workerId))) return false;
      await fire(ctx, tx, emit, t, now);
      return true;
    });
  } catch (err) {
    // The transaction rolled back: the timer stays, and is claimed again when the lease ends.
    log?.error({ err, timer: t.key }, 'timer failed; will retry');
    return false;
  }
}

/**
 * Offer timers come in bursts (everyone's offers made in one pass run out in one second), so a
 * batch of them fires in one transaction: the rows still under this worker's claim are deleted with
 * one statement, those offers expire with one update and their queues get one routing pass. If the
 * batch fails, each timer is fired on its own, so one bad timer cannot hold the others back.
 */
async function fireOfferTimeouts(ctx: ActionContext, timers: TimerRow[], workerId: string, now: number, log?: Logger): Promise<number> {
  try {
    return await runAction(ctx, async (tx, emit) => {
      const taken = await takeClaimedTimers(tx, timers.map((t) => t.id), workerId);
      const offerIds = timers.filter((t) => taken.has(t.id)).map(offerIdOf).filter((id): id is number => id != null);
      await expireOffers(tx, emit, offerIds, now);
      return taken.size;
    });
  } catch (err) {
    log?.warn({ err, timers: timers.length }, 'offer timer batch failed; firing one by one');
    let fired = 0;
    for (const t of timers) if (await fireOne(ctx, t, workerId, now, log)) fired++;
    return fired;
  }
}

/**
 * Fires every timer due by the clock's now, each exactly once: a worker claims a batch, then fires
 * it in transactions that first delete the rows under its own claim (offer timers all together,
 * others one by one). A row gone (made moot, or fired by another worker) or rescheduled (claim
 * reset) is not fired. Tests advance a ManualClock and call this instead of sleeping. Returns how
 * many fired.
 */
export async function runDueTimers(ctx: ActionContext, opts: TimerRunOptions = {}, log?: Logger): Promise<number> {
  const workerId = opts.workerId ?? PROCESS_WORKER;
  const batch = opts.batch ?? 500;
  const leaseMs = opts.leaseMs ?? 60_000;
  let fired = 0;
  for (;;) {
    const now = ctx.clock.now();
    const claimed = await claimDueTimers(ctx.store, workerId, now, batch, leaseMs);
    const offers = claimed.filter((t) => t.kind === 'offer_timeout');
    if (offers.length) fired += await fireOfferTimeouts(ctx, offers, workerId, now, log);
    for (const t of claimed) if (t.kind !== 'offer_timeout' && (await fireOne(ctx, t, workerId, now, log))) fired++;
    if (claimed.length < batch) return fired;
  }
}

/** Routing's safety net (see `sweepWaitingQueues`): one pass over queues with unoffered waiting conversations. */
export async function sweepRouting(ctx: ActionContext): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, (tx, emit) => sweepWaitingQueues(tx, emit, now));
}

/**
 * How often the loop looks for due timers: a timer fires at most this late plus the time to fire it
 * (the look is one indexed range on `due_at`, cheap when nothing is due).
 */
export const TIMER_POLL_MS = 250;
/** The routing sweep runs about every five seconds. */
const SWEEP_EVERY_MS = 5000;

/** The background loop of a real server: polls for due timers with the injected clock, and sweeps routing. */
export function startTimerLoop(ctx: ActionContext, log: Logger, pollMs = TIMER_POLL_MS, opts: TimerRunOptions = {}): () => void {
  let running = false;
  let ticks = 0;
  const sweepEvery = Math.max(1, Math.round(SWEEP_EVERY_MS / pollMs));
  const tick = () => {
    if (running) return;
    running = true;
    const sweep = ++ticks % sweepEvery === 0;
    runDueTimers(ctx, opts, log)
      .then(() => (sweep ? sweepRouting(ctx) : undefined))
      .catch((err) => log.error({ err }, 'timer loop failed'))
      .finally(() => {
        running = false;
      });
  };
  const handle = setInterval(tick, pollMs);
  handle.unref();
  return () => clearInterval(handle);
}
