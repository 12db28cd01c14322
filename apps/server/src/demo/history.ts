import type { Channel } from '@switchboard/protocol';
import { ManualClock, type Clock } from '../clock.ts';
import type { ActionContext } from '../actions/context.ts';
import type { Db, Store } from '../store/db.ts';
import { loadViewer } from '../store/users.ts';
import { receiveInboundMessage } from '../actions/intake.ts';
import { postAgentMessage, updateDeliveryStatus } from '../actions/messages.ts';
import { acceptOffer, declineOffer, pickConversation } from '../actions/routing/offers.ts';
import { setPresence } from '../actions/routing/presence.ts';
import { updateQueueRouting } from '../actions/routing/settings.ts';
import { transferToAgent } from '../actions/routing/transfers.ts';
import { customerLeaves, requestCallback } from '../actions/routing/waiting.ts';
import { changeConversationStatus } from '../actions/lifecycle.ts';
import { completeChatRequest } from '../actions/chatRequests.ts';
import { updateConversation } from '../actions/inbox.ts';
import { setContactTag } from '../actions/contacts.ts';
import { acceptDiscussRequest, endDiscussion, requestDiscuss } from '../actions/discuss/requests.ts';
import { runDueTimers } from '../jobs/worker.ts';

/**
 * Four weeks of past work for the demo (issue 15: Reports on the demo data show real figures).
 * Every step goes through the actions the API calls — a customer writes, routing offers, an agent
 * accepts, declines or lets an offer run out, replies, transfers, asks the supervisor, ends the chat,
 * wrap-up closes on its timer — with a manual clock set to the past, so report facts and rollups
 * are written by the same code as in production and are right by construction. Deterministic: a
 * seeded pseudo-random generator, days counted back from the clock's today (UTC).
 *
 * All of it runs in one transaction: the server's own timer loop and routing sweep run on the real
 * clock and would otherwise fire the history's offer and wrap-up timers "now" (and it is one commit).
 */

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const DAY = 24 * H;
const WORKER = 'demo-history';

type Actor = Awaited<ReturnType<typeof loadViewer>> & { name: string };

/** mulberry32: small, fast, and the same sequence on every machine. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    between: (lo: number, hi: number) => Math.round(lo + next() * (hi - lo)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

const FIRST = ['Emma', 'Lucas', 'Sofia', 'Noah', 'Mia', 'Leo', 'Hannah', 'Omar', 'Yuki', 'Priya', 'Carlos', 'Ingrid', 'Ravi', 'Chloe', 'Mateo', 'Aisha', 'Jonas', 'Elena', 'Kenji', 'Fatima'];
const LAST = ['Meyer', 'Rossi', 'Nguyen', 'Okafor', 'Silva', 'Kowalski', 'Dubois', 'Haddad', 'Tanaka', 'Larsen', 'Costa', 'Novak', 'Brennan', 'Ivanova', 'Singh'];
const CHANNELS: readonly Channel[] = ['web', 'web', 'web', 'web', 'whatsapp', 'whatsapp', 'telegram', 'messenger', 'api'];
const SUPPORT_ASKS = ['My invoice shows a charge twice.', 'The app logs me out every few minutes.', 'How do I change the email on my account?', 'The export button does nothing.', 'I was charged after cancelling.', 'Can I move my data to another workspace?', 'Password reset mail never arrives.', 'The mobile app crashes on start.'];
const SALES_ASKS = ['Do you offer a discount for nonprofits?', 'Can I get a demo for my team next week?', 'What is included in the Pro plan?', 'Is there a yearly price?', 'Can we pay by invoice?'];
const REPLIES = ['Thanks for writing, let me check that for you.', 'I see it here — one moment please.', 'Could you tell me which device you are using?', 'That is fixed now, sorry for the trouble.', 'I have sent you the details by email as well.'];
const CUSTOMER_AGAIN = ['Thanks, that helps.', 'It is an iPhone 13.', 'Still the same, unfortunately.', 'Great, works now!', 'Okay, I will try that.'];

interface Cast {
  supervisor: Actor;
  mark: Actor;
  martha: Actor;
  nina: Actor;
  support: number;
  sales: number;
  conversationTags: number[];
  customerTags: { vip: number; newcomer: number };
  labels: number[];
}

export interface HistorySummary {
  conversations: number;
  from: number;
  to: number;
}

/**
 * Seeds `days` days of history ending at the start of the clock's UTC today, into the demo
 * workspace seedDemo made (its people, queues, tags and labels, looked up by name). Run it before
 * the demo's open conversations exist, so routing in the past never touches them.
 */
export async function seedHistory(store: Store, clock: Clock, days = 28): Promise<HistorySummary> {
  const to = Math.floor(clock.now() / DAY) * DAY;
  const from = to - days * DAY;
  let conversations = 0;
  await store.transaction(async (tx) => {
    const inOne: Store = { ...store, db: tx as unknown as Db, transaction: (fn) => fn(tx) };
    const history = new ManualClock(from);
    const ctx: ActionContext = { store: inOne, clock: history, eventsCommitted: () => {}, signal: () => {} };
    conversations = await simulate(ctx, history, await castOf(ctx), from, to, days);
  });
  return { conversations, from, to };
}

async function castOf(ctx: ActionContext): Promise<Cast> {
  const db = ctx.store.db;
  const actor = async (email: string): Promise<Actor> => {
    const u = await db.selectFrom('users').select(['id', 'role', 'name', 'browse_contacts']).where('email', '=', email).executeTakeFirstOrThrow();
    return { ...(await loadViewer(db, u)), name: u.name };
  };
  const queue = async (name: string) => (await db.selectFrom('queues').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const tags = await db.selectFrom('tags').select(['id', 'kind', 'name']).orderBy('id').execute();
  const tag = (name: string) => tags.find((t) => t.name === name)!.id;
  const labels = await db.selectFrom('labels').select('id').orderBy('id').execute();
  return {
    supervisor: await actor('supervisor@example.com'),
    mark: await actor('mark@example.com'),
    martha: await actor('martha@example.com'),
    nina: await actor('nina@example.com'),
    support: await queue('Support'),
    sales: await queue('Sales'),
    conversationTags: tags.filter((t) => t.kind === 'conversation').map((t) => t.id),
    customerTags: { vip: tag('VIP'), newcomer: tag('New customer') },
    labels: labels.map((l) => l.id),
  };
}

/** Steps ordered by time (then by when they were planned): the simulation's agenda. */
class Agenda {
  private items: Array<{ at: number; n: number; run: () => Promise<void> }> = [];
  private n = 0;
  at(at: number, run: () => Promise<void>): void {
    this.items.push({ at, n: this.n++, run });
  }
  take() {
    if (!this.items.length) return undefined;
    let best = 0;
    for (let i = 1; i < this.items.length; i++) {
      const a = this.items[i]!;
      const b = this.items[best]!;
      if (a.at < b.at || (a.at === b.at && a.n < b.n)) best = i;
    }
    return this.items.splice(best, 1)[0];
  }
}

async function simulate(ctx: ActionContext, clock: ManualClock, cast: Cast, from: number, to: number, days: number): Promise<number> {
  const db = ctx.store.db;
  const rnd = generator(20260105);
  const agenda = new Agenda();
  const agents = [cast.mark, cast.martha, cast.nina];
  const membersOf = (queueId: number) => agents.filter((a) => a.queueIds.has(queueId));
  const statusOf = async (a: Actor) => (await db.selectFrom('users').select('status').where('id', '=', a.id).executeTakeFirstOrThrow()).status;
  const before = new Map<number, string>();
  for (const a of agents) before.set(a.id, await statusOf(a));

  // Support has a first-reply limit while the history runs (so the demo shows answered-in-time and
  // breaches); the queue's own settings are put back at the end.
  const kept = (await db.selectFrom('queues').select('settings').where('id', '=', cast.support).executeTakeFirstOrThrow()).settings;
  const keptFirstReply = (JSON.parse(kept || '{}') as { firstReplyMs?: number | null }).firstReplyMs ?? null;
  await updateQueueRouting(ctx, cast.support, { settings: { firstReplyMs: 3 * M } });

  let conversations = 0;
  let discussed = false;
  let reopened = false;
  let abandoned = 0;
  let callbacks = 0;

  // Shifts: weekdays 08:00–18:00 for everyone (Nina off on Fridays; one of them away for lunch);
  // weekends Martha alone from 10:00 to 14:00.
  for (let d = 0; d < days; d++) {
    const day = from + d * DAY;
    const weekday = new Date(day).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const shifts: Array<[Actor, number, number]> = weekend
      ? [[cast.martha, 10 * H, 14 * H]]
      : agents.filter((a) => !(a === cast.nina && weekday === 5)).map((a) => [a, 8 * H + rnd.between(0, 20) * M, 18 * H - rnd.between(0, 20) * M]);
    for (const [a, start, end] of shifts) {
      agenda.at(day + start, () => setPresence(ctx, a, 'available'));
      if (!weekend && a === agents[d % agents.length]) {
        const lunch = day + 12 * H + rnd.between(0, 60) * M;
        agenda.at(lunch, () => setPresence(ctx, a, 'away'));
        agenda.at(lunch + rnd.between(30, 50) * M, () => setPresence(ctx, a, 'available'));
      }
      agenda.at(day + end, () => setPresence(ctx, a, 'offline'));
    }
    const arrivals = weekend ? rnd.between(1, 2) : rnd.between(5, 8);
    for (let i = 0; i < arrivals; i++) {
      const open = weekend ? [10 * H, 13 * H] : [8 * H + 30 * M, 17 * H];
      // Now and then someone writes after hours: nobody is there, they leave or ask to be called back.
      const late = !weekend && rnd.chance(0.06);
      const at = day + (late ? 19 * H + rnd.between(0, 120) * M : rnd.between(open[0]! / M, open[1]! / M) * M);
      agenda.at(at, () => arrive(at, null));
    }
  }

  interface Customer {
    externalId: string;
    name: string;
    channel: Channel;
    contactId?: number;
  }
  let customerNo = 0;

  /** A customer writes (new, or one coming back): the conversation is opened by the intake. */
  async function arrive(at: number, returning: Customer | null): Promise<void> {
    const queueId = returning ? null : rnd.chance(0.7) ? cast.support : cast.sales;
    const who: Customer = returning ?? {
      externalId: `history-${++customerNo}`,
      name: `${rnd.pick(FIRST)} ${rnd.pick(LAST)}`,
      channel: rnd.pick(CHANNELS),
    };
    const q = queueId ?? cast.support;
    const posted = await receiveInboundMessage(ctx, {
      channel: who.channel,
      externalId: who.externalId,
      contact: { name: who.name },
      body: returning ? 'Hi again, one more question about my last request.' : rnd.pick(q === cast.support ? SUPPORT_ASKS : SALES_ASKS),
      queueId: q,
    });
    const conversationId = posted.message.conversationId;
    conversations++;
    if (!who.contactId) {
      who.contactId = (await db.selectFrom('conversations').select('contact_id').where('id', '=', conversationId).executeTakeFirstOrThrow()).contact_id!;
      if (rnd.chance(0.12)) await setContactTag(ctx, cast.supervisor, who.contactId, cast.customerTags.vip, true);
      else if (rnd.chance(0.2)) await setContactTag(ctx, cast.supervisor, who.contactId, cast.customerTags.newcomer, false);
    }
    const { queue_id } = await db.selectFrom('conversations').select('queue_id').where('id', '=', conversationId).executeTakeFirstOrThrow();
    const patience = rnd.between(4, 12) * M;
    agenda.at(at + rnd.between(5, 30) * S, () => waitForAgent(conversationId, queue_id!, who, at + patience));
  }

  /** Waiting: an offer is answered (accept, decline, or left to run out), a pick-list agent picks, or the customer gives up. */
  async function waitForAgent(id: number, queueId: number, who: Customer, giveUpAt: number): Promise<void> {
    const now = clock.now();
    const c = await db.selectFrom('conversations').select(['status', 'assignee_id']).where('id', '=', id).executeTakeFirstOrThrow();
    if (c.status !== 'queued') return;
    if (now >= giveUpAt) {
      // The first after-hours one asks for a callback, then every third; the rest leave.
      if (callbacks === 0 || (abandoned > 0 && rnd.chance(0.35))) {
        callbacks++;
        await requestCallback(ctx, who.contactId!, id);
        agenda.at(nextMorning(now) + rnd.between(5, 40) * M, () => callBack(id));
      } else {
        abandoned++;
        await customerLeaves(ctx, who.contactId!, id);
      }
      return;
    }
    const offer = await db.selectFrom('offers').select(['id', 'user_id', 'expires_at']).where('conversation_id', '=', id).where('status', '=', 'offered').executeTakeFirst();
    if (offer) {
      const agent = agents.find((a) => a.id === offer.user_id)!;
      // The offer may be gone by then (the agent went to lunch: it passed on): look again.
      const stillOffered = async () => (await db.selectFrom('offers').select('status').where('id', '=', offer.id).executeTakeFirstOrThrow()).status === 'offered';
      if (rnd.chance(0.1)) {
        agenda.at(now + rnd.between(5, 20) * S, async () => {
          if (await stillOffered()) await declineOffer(ctx, agent, offer.id);
          await waitForAgent(id, queueId, who, giveUpAt);
        });
      } else if (rnd.chance(0.08)) {
        agenda.at(offer.expires_at + S, () => waitForAgent(id, queueId, who, giveUpAt)); // let it run out
      } else {
        agenda.at(now + rnd.between(5, 25) * S, async () => {
          if (!(await stillOffered())) return waitForAgent(id, queueId, who, giveUpAt);
          await acceptOffer(ctx, agent, offer.id);
          await handle(id, agent, who);
        });
      }
      return;
    }
    const pickers = [];
    for (const a of membersOf(queueId)) if (queueId === cast.sales && (await statusOf(a)) === 'available') pickers.push(a);
    if (pickers.length) {
      const agent = rnd.pick(pickers);
      agenda.at(now + rnd.between(1, 6) * M, async () => {
        const still = await db.selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirstOrThrow();
        if (still.status !== 'queued' || (await statusOf(agent)) !== 'available') return waitForAgent(id, queueId, who, giveUpAt);
        await pickConversation(ctx, agent, id);
        await handle(id, agent, who);
      });
      return;
    }
    agenda.at(Math.min(now + M, giveUpAt), () => waitForAgent(id, queueId, who, giveUpAt));
  }

  /** The next morning's first working hour (weekdays), for callbacks. */
  function nextMorning(t: number): number {
    let day = Math.floor(t / DAY) * DAY + DAY;
    while ([0, 6].includes(new Date(day).getUTCDay())) day += DAY;
    return Math.min(day + 9 * H, to - H);
  }

  /** The supervisor calls the customer back and completes the request (seed 003). */
  async function callBack(id: number): Promise<void> {
    await completeChatRequest(ctx, cast.supervisor, id, 'Called the customer back; sorted on the phone.');
  }

  /** Accepted: replies (the first one timed against the limit), perhaps a transfer, a question to the supervisor, tags; then the end. */
  async function handle(id: number, agent: Actor, who: Customer): Promise<void> {
    let t = clock.now();
    let owner = agent;
    const say = async (a: Actor, body: string) => {
      const { message } = await postAgentMessage(ctx, a, id, { body, internal: false, attachments: [] });
      // A channel we do not deliver ourselves: its integration reports the delivery (POST /messages/:id/delivery).
      if (message.status === 'queued') await updateDeliveryStatus(ctx, message.id, 'delivered');
    };
    const step = (ms: number, run: () => Promise<void>) => {
      t += ms;
      agenda.at(t, run);
    };
    step(rnd.chance(0.2) ? rnd.between(190, 420) * S : rnd.between(20, 150) * S, () => say(owner, rnd.pick(REPLIES)));
    const rounds = rnd.chance(0.5) ? 1 : 0;
    for (let r = 0; r < rounds; r++) {
      step(rnd.between(1, 4) * M, async () => {
        await receiveInboundMessage(ctx, { channel: who.channel, externalId: who.externalId, contact: { name: who.name }, body: rnd.pick(CUSTOMER_AGAIN) });
      });
      step(rnd.between(30, 180) * S, () => say(owner, rnd.pick(REPLIES)));
    }
    const queueId = (await db.selectFrom('conversations').select('queue_id').where('id', '=', id).executeTakeFirstOrThrow()).queue_id!;
    if (rnd.chance(0.45)) {
      const tagId = rnd.pick(cast.conversationTags);
      const labelIds = rnd.chance(0.35) ? [rnd.pick(cast.labels)] : undefined;
      step(20 * S, () => updateConversation(ctx, owner, id, { tagIds: [tagId], ...(labelIds ? { labelIds } : {}) }));
    }
    const colleague = membersOf(queueId).find((a) => a !== agent);
    if (colleague && rnd.chance(0.07)) {
      step(rnd.between(1, 3) * M, async () => {
        if ((await statusOf(colleague)) === 'offline') return;
        await transferToAgent(ctx, owner, id, colleague.id, 'Over to you — you know this account.');
        owner = colleague;
      });
      step(rnd.between(1, 3) * M, () => say(owner, 'Hi, I am taking over from my colleague.'));
    }
    if (!discussed || rnd.chance(0.03)) {
      // A discuss request to the supervisor: accepted, talked over, ended as resolved.
      discussed = true;
      let requestId = 0;
      step(M, async () => {
        requestId = (await requestDiscuss(ctx, owner, id, cast.supervisor.id, 'manager')).id;
      });
      // Well inside the request's timeout (2 minutes by default): at 120 s the timeout fired first.
      step(rnd.between(20, 90) * S, async () => {
        await acceptDiscussRequest(ctx, cast.supervisor, requestId);
      });
      step(rnd.between(3, 8) * M, async () => {
        await endDiscussion(ctx, owner, requestId, true);
      });
      step(M, () => say(owner, 'I checked with my supervisor: that is fine.'));
    }
    const comesBack = rnd.chance(0.12);
    if (!reopened || rnd.chance(0.02)) {
      // Closed, then opened again by the agent a little later, then resolved.
      reopened = true;
      step(rnd.between(2, 5) * M, () => changeConversationStatus(ctx, owner, id, { kind: 'close' }));
      step(rnd.between(2, 6) * M, () => changeConversationStatus(ctx, owner, id, { kind: 'reopen' }));
      step(rnd.between(1, 3) * M, () => changeConversationStatus(ctx, owner, id, { kind: 'resolve' }, 'Confirmed with the customer.'));
    } else if (queueId === cast.support && rnd.chance(0.7)) {
      // End chat: wrap-up closes by itself on its timer (the queue's automatic wrap-up).
      step(rnd.between(1, 4) * M, () => changeConversationStatus(ctx, owner, id, { kind: 'endChat' }));
    } else {
      step(rnd.between(1, 4) * M, () => changeConversationStatus(ctx, owner, id, { kind: 'resolve' }));
    }
    // Some customers come back a day or two later: a new conversation linked to this one.
    if (comesBack) {
      const back = t + rnd.between(20, 50) * H;
      if (back < to - 2 * H) agenda.at(back, () => arrive(back, who));
    }
  }

  // Run the agenda in time order; each timer fires at its own due time, before what follows it.
  for (let item = agenda.take(); item; item = agenda.take()) {
    await fireTimersUntil(ctx, clock, item.at);
    clock.set(item.at);
    await item.run();
  }
  await fireTimersUntil(ctx, clock, to);
  clock.set(to);
  for (const a of agents) await setPresence(ctx, a, (before.get(a.id) ?? 'offline') as never);
  await updateQueueRouting(ctx, cast.support, { settings: { firstReplyMs: keptFirstReply } });
  return conversations;
}

/** Fires, one due time after another, every timer due by `until` (offers running out, wrap-ups, reply limits). */
async function fireTimersUntil(ctx: ActionContext, clock: ManualClock, until: number): Promise<void> {
  for (;;) {
    const next = await ctx.store.db.selectFrom('timers').select('due_at').where('due_at', '<=', until).orderBy('due_at').limit(1).executeTakeFirst();
    if (!next) return;
    clock.set(Math.max(clock.now(), next.due_at));
    await runDueTimers(ctx, { workerId: WORKER });
  }
}
