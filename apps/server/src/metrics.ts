import client from 'prom-client';

/** One registry per process; tests that build several apps share these counters. */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

/** Each running app's sockets, for the buffered-bytes gauges (read at scrape time). */
export const socketSources = new Set<() => Iterable<{ bufferedAmount: number }>>();
function buffered(): number[] {
  const out: number[] = [];
  for (const source of socketSources) for (const ws of source()) out.push(ws.bufferedAmount);
  return out;
}

export const metrics = {
  httpDuration: new client.Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  messagesCreated: new client.Counter({
    name: 'switchboard_messages_created_total',
    help: 'Messages stored',
    labelNames: ['sender'] as const,
    registers: [registry],
  }),
  eventsDispatched: new client.Counter({ name: 'switchboard_events_dispatched_total', help: 'Events handed to subscribers', registers: [registry] }),
  streamConnections: new client.Gauge({ name: 'switchboard_stream_connections', help: 'Open stream sockets', registers: [registry] }),
  databaseUp: new client.Gauge({ name: 'switchboard_database_up', help: '1 while the database answers; 0 while this node answers 503 and reconnects', registers: [registry] }),
  loadShed: new client.Counter({ name: 'switchboard_load_shed_total', help: 'Requests refused early (503/429 with Retry-After) because the node was overloaded, draining or without a database', labelNames: ['reason'] as const, registers: [registry] }),
  redisUp: new client.Gauge({ name: 'switchboard_redis_up', help: '1 while Redis is connected; 0 while this node runs degraded (per-node rate limits, poll)', registers: [registry] }),
  framesSent: new client.Counter({ name: 'switchboard_stream_frames_sent_total', help: 'Frames sent on stream sockets', registers: [registry] }),
  streamSlowClosed: new client.Counter({ name: 'switchboard_stream_slow_closed_total', help: 'Stream sockets closed (1013) for falling behind; they reconnect and resume', labelNames: ['reason'] as const, registers: [registry] }),
  streamBufferedBytes: new client.Gauge({
    name: 'switchboard_stream_buffered_bytes',
    help: 'Bytes waiting in this process for stream sockets to take them, all sockets',
    registers: [registry],
    collect() {
      this.set(buffered().reduce((a, b) => a + b, 0));
    },
  }),
  streamBufferedBytesMax: new client.Gauge({
    name: 'switchboard_stream_buffered_bytes_max',
    help: 'Bytes waiting for the one stream socket furthest behind (bounded: see ARCHITECTURE.md)',
    registers: [registry],
    collect() {
      this.set(buffered().reduce((a, b) => Math.max(a, b), 0));
    },
  }),
  streamFloodClosed: new client.Counter({ name: 'switchboard_stream_flood_closed_total', help: 'Stream sockets closed (1008) for sending too many frames', registers: [registry] }),
  // The outbox consumers (events/outbox/), per consumer name.
  outboxHandled: new client.Counter({ name: 'switchboard_outbox_handled_total', help: 'Outbox items handled successfully', labelNames: ['consumer'] as const, registers: [registry] }),
  outboxFailures: new client.Counter({ name: 'switchboard_outbox_failures_total', help: 'Outbox handler attempts that failed', labelNames: ['consumer'] as const, registers: [registry] }),
  outboxDeadLettered: new client.Counter({ name: 'switchboard_outbox_dead_lettered_total', help: 'Outbox items given up on (dead letters)', labelNames: ['consumer'] as const, registers: [registry] }),
  outboxDeadLetters: new client.Gauge({ name: 'switchboard_outbox_dead_letters', help: 'Dead letters waiting for an administrator, as last counted by the lease holder', labelNames: ['consumer'] as const, registers: [registry] }),
  outboxLeaseHeld: new client.Gauge({ name: 'switchboard_outbox_lease_held', help: '1 while this node holds the consumer', labelNames: ['consumer'] as const, registers: [registry] }),
};
