import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { agentMayReceive, agentMayReplay, mayReplayRequestEvent, type ConversationScope, type EventScope, type Viewer } from '@switchboard/core';
import { ClientFrame } from '@switchboard/protocol';
import { scopeOf, type EventRow } from '../store/events.ts';
import { planResume, replayRange } from './replay.ts';
import { closeSlow, FrameBudget, ReplayPacer, SocketGone } from './backpressure.ts';
import { loadViewer, findUser } from '../store/users.ts';
import { currentScopes } from '../store/conversations.ts';
import { authByCredential, authenticate, credentialOf } from '../http/auth.ts';
import { sameOrigin } from '../http/securityHeaders.ts';
import { redeemStreamTicket } from '../actions/credentials.ts';
import { requestIdOfEvent, requestsNow } from '../actions/discuss/queries.ts';
import type { Services } from '../http/services.ts';
import type { App } from '../http/app.ts';
import { changesAccess } from '../http/tokenCache.ts';
import { metrics } from '../metrics.ts';
import { isDatabaseUnavailable } from '../store/health.ts';
import type { Signal } from '../events/signals.ts';

/** The scope a token needs to open the stream (declared on the route too, http/scopes.ts). */
const STREAM_SCOPE = 'conversations:read' as const;

interface Client {
  ws: WebSocket;
  viewer: Viewer;
  /** What the socket's sign-in rests on (`session:…` / `token:…`); it closes when that ends. */
  credential: string;
  /** Highest seq sent (or skipped as not theirs); null until `hello`. */
  cursor: number | null;
  /** Live rows that arrived while the replay was being read. */
  backlog: EventRow[] | null;
}

/** The frame text, built once per event and shared by every socket that may see it. */
function frameOf(row: EventRow): string {
  return `{"seq":${row.seq},"type":${JSON.stringify(row.type)},"at":${row.at},"data":${row.data}}`;
}

/**
 * A row's audience and encoded frame, computed once per row object: a live batch is one set of row
 * objects handed to every socket, so each frame is encoded once rather than once per socket.
 */
/** Rows for the server's own parts: a credential's end (gateways), webhook changes and redeliveries (workers). */
const SERVER_ONLY = new Set(['credential.ended', 'webhook.changed', 'webhook.redeliver']);

const prepared = new WeakMap<EventRow, { scope: EventScope; frame: Buffer }>();
function prepare(row: EventRow): { scope: EventScope; frame: Buffer } {
  let p = prepared.get(row);
  if (!p) {
    p = { scope: scopeOf(row), frame: Buffer.from(frameOf(row)) };
    prepared.set(row, p);
  }
  return p;
}

/** The socket under a ws connection, to send a batch of frames in one write (ws has no public cork). */
function rawSocket(ws: WebSocket): { cork(): void; uncork(): void } | null {
  const sock = (ws as unknown as { _socket?: { cork?: unknown; uncork?: unknown } })._socket;
  return sock && typeof sock.cork === 'function' && typeof sock.uncork === 'function' ? (sock as { cork(): void; uncork(): void }) : null;
}

export class StreamGateway {
  private readonly clients = new Set<Client>();

  private readonly limits: Services['config']['streamLimits'];

  constructor(private readonly s: Services) {
    this.limits = s.config.streamLimits;
    s.dispatcher.subscribe((rows) => this.deliver(rows));
    s.signals.subscribe((signal) => this.deliverSignal(signal));
  }

  get size(): number {
    return this.clients.size;
  }

  register(app: App): void {
    // A cookie rides along on a cross-site upgrade (WebSockets have no CORS): a cookie-authenticated
    // upgrade must come from our own origin. Bearer headers and tickets cannot be sent by another
    // site on a user's behalf, so they are unaffected.
    const refuseForeignCookieUpgrade = async (req: FastifyRequest, reply: FastifyReply) => {
      const byTicket = typeof (req.query as { ticket?: unknown } | undefined)?.ticket === 'string';
      if (byTicket || req.headers.authorization || sameOrigin(req)) return;
      return reply.code(403).send({ error: { code: 'foreign_origin', message: 'This stream accepts a signed-in browser only from the workspace’s own origin.' } });
    };
    app.get('/api/v1/stream', { websocket: true, config: { scope: STREAM_SCOPE }, schema: { hide: true }, onRequest: refuseForeignCookieUpgrade }, (socket, req) => {
      // Listen at once: a client may say hello before authentication has finished.
      const early: string[] = [];
      let client: Client | null = null;
      // Frames before sign-in count too: `early` holds at most a burst.
      const budget = new FrameBudget(socket, this.limits);
      socket.on('message', (raw) => {
        if (!budget.take()) return;
        if (client) this.onFrame(client, String(raw));
        else early.push(String(raw));
      });
      socket.on('close', () => {
        if (client && this.clients.delete(client)) metrics.streamConnections.dec();
        client = null;
      });
      // A one-time ticket (POST /api/v1/stream/ticket) or, same-origin, the session cookie or a
      // Bearer header: never a lasting secret in the URL, which access logs would keep.
      const ticket = (req.query as { ticket?: string } | undefined)?.ticket;
      const signIn = ticket
        ? redeemStreamTicket(this.s.actions, ticket).then((c) => (c ? authByCredential(this.s.actions, c, this.s.config.sessionIdleMs) : null))
        : authenticate(this.s.actions, req, this.s.tokens, this.s.config.sessionIdleMs);
      void signIn
        // The database not answering is no reason to sign the client out: it retries and resumes.
        .catch((err: unknown) => (isDatabaseUnavailable(err) ? 'unavailable' as const : null))
        .then((auth) => {
          if (socket.readyState !== socket.OPEN) return;
          if (auth === 'unavailable') {
            socket.close(1013, 'database unavailable; retry');
            return;
          }
          if (!auth || auth === 'token_expired') {
            const code = auth ?? 'unauthorized';
            socket.send(JSON.stringify({ type: 'error', code, message: auth ? 'This API token has expired.' : 'Sign in first.' }));
            socket.close(4401, code);
            return;
          }
          // The stream carries conversations: a token needs their read scope, as for GET /conversations.
          if (!auth.scopes.has(STREAM_SCOPE)) {
            socket.send(JSON.stringify({ type: 'error', code: 'insufficient_scope', message: `This API token lacks the ${STREAM_SCOPE} scope the stream needs.` }));
            socket.close(4403, 'insufficient_scope');
            return;
          }
          client = { ws: socket, viewer: auth.viewer, credential: credentialOf(auth), cursor: null, backlog: null };
          this.clients.add(client);
          metrics.streamConnections.inc();
          for (const raw of early.splice(0)) this.onFrame(client, raw);
        });
    });
  }

  private onFrame(client: Client, raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    const frame = ClientFrame.safeParse(parsed);
    if (!frame.success) {
      client.ws.send(JSON.stringify({ type: 'error', code: 'bad_frame', message: 'Unknown or malformed frame.' }));
      return;
    }
    if (frame.data.type === 'ping') client.ws.send('{"type":"pong"}');
    else
      void this.hello(client, frame.data.lastSeq).catch((err: unknown) => {
        if (err instanceof SocketGone) return; // closed, or closed for not reading
        this.s.log.error({ err }, 'stream replay failed');
        client.ws.close(1011, 'replay failed');
      });
  }

  /** Replays what the client missed, in order and once, then switches it to live delivery. */
  private async hello(client: Client, lastSeq: number | undefined): Promise<void> {
    if (client.cursor !== null || client.backlog !== null) return; // one hello per socket
    // Live events that arrive while we decide and replay wait here, so none falls in between.
    client.backlog = [];
    const plan = await planResume(this.s.store.db, this.s.dispatcher.lastSeq, lastSeq);
    // The replay goes out in pages, each waiting for the socket to take the one before.
    const pacer = new ReplayPacer(client.ws, this.limits);
    const cursor =
      plan.kind === 'replay'
        ? await replayRange(this.s.store.db, plan.from, plan.head, async (rows) => {
            // Replay judges by who may see each conversation now, as REST does (seed 002).
            const now = await currentScopes(this.s.store.db, rows.flatMap((r) => (r.conversation_id != null && r.user_id == null && !r.broadcast ? [r.conversation_id] : [])));
            // A request's steps and its discussion likewise by who may read the request now, so a
            // former consultant resuming from an old cursor gets none of the discussion (issue 11).
            const requestOf = new Map(rows.flatMap((r) => {
              const id = requestIdOfEvent(r.type, r.data);
              return id === null ? [] : [[r, id] as const];
            }));
            const requests = await requestsNow(this.s.store.db, [...requestOf.values()]);
            for (const row of rows) {
              const requestId = requestOf.get(row);
              const visible =
                requestId !== undefined
                  ? mayReplayRequestEvent(client.viewer, row.type, requests.get(requestId) ?? null)
                  : // A deletion carries only the id: it goes to whoever saw the conversation then, so their list drops it.
                    this.mayReceive(client, row, row.conversation_id != null && row.type !== 'conversation.deleted' ? now.get(row.conversation_id) : undefined);
              if (!visible) continue;
              const wait = pacer.send(prepare(row).frame);
              if (wait) await wait;
            }
          })
        : plan.seq;
    const backlog = client.backlog;
    client.backlog = null;
    client.cursor = cursor;
    client.ws.send(JSON.stringify({ type: plan.kind === 'resync' ? 'resync' : 'ready', seq: cursor }));
    this.deliverTo(client, backlog);
  }

  /** `current`: on replay, who may see the row's conversation now (see `agentMayReplay`). */
  private mayReceive(client: Client, row: EventRow, current?: ConversationScope | null): boolean {
    if (SERVER_ONLY.has(row.type)) return false; // for gateways and workers, not for clients
    const { scope } = prepare(row);
    return current === undefined ? agentMayReceive(client.viewer, scope) : agentMayReplay(client.viewer, scope, current);
  }

  /** Sends a row already judged visible to this client. */
  private send(client: Client, row: EventRow): void {
    client.ws.send(prepare(row).frame, { binary: false });
    metrics.framesSent.inc();
  }

  private deliverTo(client: Client, rows: EventRow[]): void {
    const sock = rows.length > 1 ? rawSocket(client.ws) : null;
    sock?.cork();
    try {
      for (const row of rows) {
        if (client.cursor === null || row.seq <= client.cursor) continue;
        // Past the high-water mark the socket closes before it holds more: the client resumes from
        // the last frame it read, so nothing after it is lost.
        if (client.ws.bufferedAmount > this.limits.highWaterBytes) {
          closeSlow(client.ws, 'behind');
          return;
        }
        if (this.mayReceive(client, row)) this.send(client, row);
        client.cursor = row.seq;
      }
    } finally {
      sock?.uncork();
    }
  }

  private deliver(rows: EventRow[]): void {
    const memberships = rows.some((r) => changesAccess(r.type, r.data));
    for (const r of rows) if (r.type === 'credential.ended') this.endCredentials(r);
    for (const client of this.clients) {
      if (client.ws.readyState !== client.ws.OPEN) continue;
      if (!client.backlog) this.deliverTo(client, rows);
      else if (client.backlog.length + rows.length > this.limits.maxBacklog) closeSlow(client.ws, 'backlog');
      else client.backlog.push(...rows);
    }
    if (memberships) void this.refreshViewers();
  }

  /**
   * An ephemeral signal (typing): to the live sockets whose viewer may see it, by the same audience
   * rule as events. No seq, never replayed; a socket still replaying misses it (it is stale by then).
   */
  private deliverSignal(signal: Signal): void {
    let frame: Buffer | null = null;
    for (const client of this.clients) {
      if (client.cursor === null || client.backlog || !agentMayReceive(client.viewer, signal.scope)) continue;
      if (client.ws.bufferedAmount > this.limits.highWaterBytes) continue; // a slow socket loses nothing it needs
      frame ??= Buffer.from(`{"type":${JSON.stringify(signal.type)},"at":${signal.at},"data":${JSON.stringify(signal.data)}}`);
      client.ws.send(frame, { binary: false });
      metrics.framesSent.inc();
    }
  }

  /**
   * Queue membership or a role changed: later events are judged with the new memberships. A user
   * who was deactivated (or removed) loses their sockets at once.
   */
  private async refreshViewers(): Promise<void> {
    for (const client of this.clients) {
      const user = await findUser(this.s.store.db, client.viewer.id);
      if (!user || user.disabled) {
        if (this.clients.delete(client)) metrics.streamConnections.dec();
        client.ws.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: 'Sign in first.' }));
        client.ws.close(4401, 'unauthorized');
        continue;
      }
      client.viewer = await loadViewer(this.s.store.db, user);
    }
  }

  /** A session or token ended somewhere: its sockets here close, as HTTP with it answers 401. */
  private endCredentials(row: EventRow): void {
    const ended = new Set((JSON.parse(row.data) as { credentials: string[] }).credentials);
    for (const client of this.clients) {
      if (!ended.has(client.credential)) continue;
      if (this.clients.delete(client)) metrics.streamConnections.dec();
      client.ws.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: 'Your sign-in ended; sign in again.' }));
      client.ws.close(4401, 'unauthorized');
    }
  }

  closeAll(): void {
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
  }
}
