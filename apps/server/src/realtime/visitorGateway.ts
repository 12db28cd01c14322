import type { WebSocket } from 'ws';
import { customerMayReceive } from '@switchboard/core';
import { VisitorClientFrame, type ConversationCore, type Message } from '@switchboard/protocol';
import { scopeOf, type EventRow } from '../store/events.ts';
import type { Services } from '../http/services.ts';
import type { App } from '../http/app.ts';
import { toVisitorMessage, visitorFromTokenHash, visitorQuotes, type Visitor } from '../actions/visitors.ts';
import { redeemStreamTicket } from '../actions/credentials.ts';
import { visitorTyping } from '../actions/chatRequests.ts';
import { planResume, replayRange } from './replay.ts';
import { closeSlow, FrameBudget, ReplayPacer, SocketGone, type StreamLimits } from './backpressure.ts';
import { metrics } from '../metrics.ts';
import { isDatabaseUnavailable } from '../store/health.ts';
import type { Signal } from '../events/signals.ts';

/** The only event types a customer ever receives; everything else about their conversation stays with agents. */
const CUSTOMER_TYPES = new Set(['message.created', 'message.updated', 'conversation.created', 'conversation.updated']);

interface VisitorClient {
  ws: WebSocket;
  visitor: Visitor;
  cursor: number | null;
  backlog: EventRow[] | null;
  typingAt: number;
  /** Frames go out in order: each batch waits for the one before (names may need a lookup). */
  chain: Promise<void>;
}

/**
 * The customer's stream (/api/v1/widget/stream?ticket=…, a one-time ticket from
 * POST /api/v1/widget/stream-ticket, so the lasting visitor token never sits in a URL): the same outbox and resume protocol as the
 * agents' stream, filtered by `customerMayReceive` (their own contact, never internal, never private
 * to a user), and every frame rewritten into the customer's shapes (no notes, agents by first name).
 */
export class VisitorGateway {
  private readonly clients = new Set<VisitorClient>();
  private readonly firstNames = new Map<number, string>();
  private readonly limits: StreamLimits;

  constructor(private readonly s: Services) {
    this.limits = s.config.streamLimits;
    s.dispatcher.subscribe((rows) => void this.deliver(rows));
    s.signals.subscribe((signal) => this.deliverSignal(signal));
  }

  get size(): number {
    return this.clients.size;
  }

  register(app: App): void {
    app.get('/api/v1/widget/stream', { websocket: true, schema: { hide: true }, config: { rateLimit: { max: 60, timeWindow: 60_000 } } }, (socket, req) => {
      const early: string[] = [];
      let client: VisitorClient | null = null;
      // Frames before sign-in count too: `early` holds at most a burst.
      const budget = new FrameBudget(socket, this.limits);
      socket.on('message', (raw) => {
        if (!budget.take()) return;
        if (client) this.onFrame(client, String(raw));
        else early.push(String(raw));
      });
      socket.on('close', () => {
        if (client) this.clients.delete(client);
        client = null;
      });
      const ticket = (req.query as { ticket?: string } | undefined)?.ticket;
      void redeemStreamTicket(this.s.actions, ticket)
        .then((c) => (c?.startsWith('visitor:') ? visitorFromTokenHash(this.s.actions, c.slice('visitor:'.length)) : null))
        // The database not answering is no reason to sign the client out: it retries and resumes.
        .catch((err: unknown) => (isDatabaseUnavailable(err) ? 'unavailable' as const : null))
        .then((visitor) => {
          if (socket.readyState !== socket.OPEN) return;
          if (visitor === 'unavailable') {
            socket.close(1013, 'database unavailable; retry');
            return;
          }
          if (!visitor) {
            socket.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: 'Start a chat session first.' }));
            socket.close(4401, 'unauthorized');
            return;
          }
          client = { ws: socket, visitor, cursor: null, backlog: null, typingAt: 0, chain: Promise.resolve() };
          this.clients.add(client);
          for (const raw of early.splice(0)) this.onFrame(client, raw);
        });
    });
  }

  private onFrame(client: VisitorClient, raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    const frame = VisitorClientFrame.safeParse(parsed);
    if (!frame.success) {
      client.ws.send(JSON.stringify({ type: 'error', code: 'bad_frame', message: 'Unknown or malformed frame.' }));
      return;
    }
    const f = frame.data;
    if (f.type === 'ping') client.ws.send('{"type":"pong"}');
    else if (f.type === 'typing') {
      // At most one typing event per second per socket.
      const now = Date.now();
      if (f.typing && now - client.typingAt < 1000) return;
      client.typingAt = now;
      void visitorTyping(this.s.actions, client.visitor.contactId, f.conversationId, f.typing).catch(() => {
        client.ws.send(JSON.stringify({ type: 'error', code: 'not_found', message: 'No such conversation.' }));
      });
    } else
      void this.hello(client, f.lastSeq).catch((err: unknown) => {
        if (err instanceof SocketGone) return; // closed, or closed for not reading
        this.s.log.error({ err }, 'visitor stream replay failed');
        client.ws.close(1011, 'replay failed');
      });
  }

  private async hello(client: VisitorClient, lastSeq: number | undefined): Promise<void> {
    if (client.cursor !== null || client.backlog !== null) return;
    // Live events that arrive while we decide and replay wait here, so none falls in between.
    client.backlog = [];
    const plan = await planResume(this.s.store.db, this.s.dispatcher.lastSeq, lastSeq);
    // The replay goes out in pages, each waiting for the socket to take the one before.
    const pacer = new ReplayPacer(client.ws, this.limits);
    const cursor =
      plan.kind === 'replay'
        ? await replayRange(this.s.store.db, plan.from, plan.head, async (rows) => {
            for (const f of await this.frames(client, rows)) {
              const wait = pacer.send(f);
              if (wait) await wait;
            }
          })
        : plan.seq;
    const backlog = client.backlog;
    client.backlog = null;
    client.cursor = cursor;
    client.ws.send(JSON.stringify({ type: plan.kind === 'resync' ? 'resync' : 'ready', seq: cursor }));
    client.chain = client.chain.then(() => this.deliverTo(client, backlog));
    await client.chain;
  }

  private async agentFirstName(id: number): Promise<string | null> {
    let n = this.firstNames.get(id);
    if (n === undefined) {
      const u = await this.s.store.db.selectFrom('users').select('name').where('id', '=', id).executeTakeFirst();
      if (!u) return null;
      n = u.name.split(' ')[0] || u.name;
      if (this.firstNames.size > 5000) this.firstNames.clear();
      this.firstNames.set(id, n);
    }
    return n;
  }

  /** The customer's version of an event, or null when it is not for them. */
  private async visitorFrame(contactId: number, row: EventRow): Promise<string | null> {
    if (!CUSTOMER_TYPES.has(row.type) || !customerMayReceive(contactId, scopeOf(row))) return null;
    const data = JSON.parse(row.data) as Record<string, unknown>;
    let out: unknown;
    if (row.type === 'message.created' || row.type === 'message.updated') {
      const m = data.message as Message;
      const names = new Map<number, string | null>();
      const to = m.systemEvent?.toUserId;
      if (to != null) names.set(to, await this.agentFirstName(to));
      const quotes = m.replyToId != null ? await visitorQuotes(this.s.store.db, [m.replyToId]) : undefined;
      const message = toVisitorMessage(m, (id) => names.get(id) ?? null, quotes);
      if (!message) return null;
      const c = data.conversation as { id: number; status: string; assigneeId: number | null } | undefined;
      out = { message, ...(c ? { conversation: { id: c.id, status: c.status, waiting: c.status === 'queued' && c.assigneeId == null } } : {}) };
    } else {
      const c = data as unknown as ConversationCore;
      out = { conversation: { id: c.id, status: c.status, waiting: c.status === 'queued' && c.assigneeId == null, agentName: c.assigneeId != null ? await this.agentFirstName(c.assigneeId) : null } };
    }
    return `{"seq":${row.seq},"type":${JSON.stringify(row.type)},"at":${row.at},"data":${JSON.stringify(out)}}`;
  }

  private async frames(client: VisitorClient, rows: EventRow[]): Promise<string[]> {
    const out: string[] = [];
    for (const row of rows) {
      const f = await this.visitorFrame(client.visitor.contactId, row);
      if (f) out.push(f);
    }
    return out;
  }

  private async deliverTo(client: VisitorClient, rows: EventRow[]): Promise<void> {
    const fresh = rows.filter((r) => client.cursor !== null && r.seq > client.cursor);
    if (!fresh.length) return;
    client.cursor = fresh[fresh.length - 1]!.seq;
    if (client.ws.readyState !== client.ws.OPEN) return;
    for (const f of await this.frames(client, fresh)) {
      // Past the high-water mark the socket closes before it holds more; the widget resumes from
      // the last frame it read.
      if (client.ws.bufferedAmount > this.limits.highWaterBytes) return closeSlow(client.ws, 'behind');
      client.ws.send(f);
      metrics.framesSent.inc();
    }
  }

  private deliver(rows: EventRow[]): void {
    // Only rows about some customer can concern a visitor; skip the rest without parsing.
    const relevant = rows.filter((r) => r.contact_id != null && CUSTOMER_TYPES.has(r.type));
    for (const client of this.clients) {
      if (client.ws.readyState !== client.ws.OPEN) continue;
      if (client.backlog) {
        if (client.backlog.length + relevant.length > this.limits.maxBacklog) closeSlow(client.ws, 'backlog');
        else client.backlog.push(...relevant);
      } else if (client.cursor !== null) {
        const mine = relevant.filter((r) => r.contact_id === client.visitor.contactId);
        if (mine.length) client.chain = client.chain.then(() => this.deliverTo(client, mine)).catch((err) => this.s.log.error({ err }, 'visitor delivery failed'));
      }
    }
  }

  /**
   * The agent typing, to the live sockets of that conversation's customer (never internal, never
   * private): the only signal a customer receives. Not their own typing back, and the agent by first
   * name only, as in their messages (VisitorServerFrame).
   */
  private deliverSignal(signal: Signal): void {
    if (signal.type !== 'typing.updated' || signal.scope.contactId == null) return;
    const d = signal.data;
    if (d.who !== 'agent') return;
    const data = { conversationId: d.conversationId, who: d.who, name: d.name, typing: d.typing };
    let frame: string | null = null;
    for (const client of this.clients) {
      if (client.cursor === null || client.backlog || !customerMayReceive(client.visitor.contactId, signal.scope)) continue;
      if (client.ws.bufferedAmount > this.limits.highWaterBytes) continue; // a slow socket loses nothing it needs
      frame ??= JSON.stringify({ type: signal.type, at: signal.at, data });
      client.ws.send(frame);
      metrics.framesSent.inc();
    }
  }

  closeAll(): void {
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
  }
}

