/**
 * Open-loop load: messages are due at fixed times (rate per second over a few seconds, spread over C
 * customers) and each is posted at its due time whether or not earlier ones were acknowledged, so a
 * stall shows up as latency instead of slowing the generator down. Every latency is measured from the
 * message's due time. The agents' listeners are bench/load.ts's `Agents`.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TargetReady } from './protocol.ts';
import { percentiles, type Agents, type Percentiles } from './load.ts';

export interface OpenLoopPlan {
  /** Offered messages per second. */
  rate: number;
  seconds: number;
  /** Conversations the messages are spread over (round robin). */
  customers: number;
  /** A post not acknowledged within this counts as a timeout (default 10 s). */
  timeoutMs?: number;
  /** How long to wait for the last deliveries after the last post (default 10 s). */
  settleMs?: number;
}

export interface OpenLoopResult {
  offered: number;
  sent: number;
  /** Posts answered with something other than 201 (e.g. 503 when the server sheds load). */
  rejected: number;
  timeouts: number;
  /** Messages every agent received. */
  delivered: number;
  duplicates: number;
  /** Messages delivered to every agent per second, over the offered period plus the tail. */
  deliveredRate: number;
  /** Due → acknowledged (201). */
  ack: Percentiles;
  /** Due → the last agent got it. */
  delivery: Percentiles;
  /** Messages the generator posted later than 5 ms after their due time (its own lag). */
  lateSends: number;
  /** This process's (generator + listeners) CPU per offered message, ms. */
  generatorCpuMs: number;
}

/** True when a step kept up: (nearly) everything acknowledged and delivered, without a growing backlog. */
export function keptUp(r: OpenLoopResult): boolean {
  return r.delivered >= 0.99 * r.offered && r.rejected + r.timeouts <= 0.01 * r.offered && r.ack.p99 < 1000;
}

function post(agent: http.Agent, url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, timeout: timeoutMs, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(err.message === 'timeout' ? -1 : 0));
    req.end(body);
  });
}

/** Runs one open-loop step against a target whose agents are already connected. */
export async function driveAtRate(agents: Agents, target: TargetReady, tag: string, plan: OpenLoopPlan): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(plan.rate * plan.seconds));
  const perCustomer = Math.ceil(total / plan.customers);
  const t = agents.track(tag, { customers: plan.customers, messages: perCustomer });
  const url = target.url + target.inboundPath;
  // Enough sockets that the client never queues: a wait for a socket would be the server's backlog.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2048 });
  const acks = new Float64Array(total);
  let acked = 0;
  let rejected = 0;
  let timeouts = 0;
  let lateSends = 0;
  const inFlight: Array<Promise<void>> = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now() + 20;
  const dueOf = (i: number) => start + (i * 1000) / plan.rate;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (; next < total && dueOf(next) <= now; next++) {
        const i = next;
        const due = dueOf(i);
        if (now - due > 5) lateSends++;
        const c = i % plan.customers;
        const k = Math.floor(i / plan.customers);
        t.sentAt[c * perCustomer + k] = due;
        const body = JSON.stringify({
          channel: 'api',
          externalId: `bench-${c}`,
          contact: { name: `Customer ${c}` },
          body: `bench ${tag} ${c} ${k} ${due.toFixed(3)}`,
        });
        inFlight.push(
          post(agent, url, target.headers, body, plan.timeoutMs ?? 10_000).then((status) => {
            if (status === 201) acks[acked++] = performance.now() - due;
            else if (status === -1) timeouts++;
            else rejected++;
          }),
        );
      }
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, dueOf(next) - performance.now())));
    };
    setTimeout(tick, 20);
  });
  await Promise.all(inFlight);
  const expected = total - rejected - timeouts;
  const deadline = performance.now() + (plan.settleMs ?? 10_000);
  while (t.full < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  agents.untrack();
  agent.destroy();

  const delivery: number[] = [];
  for (let c = 0; c < plan.customers; c++)
    for (let k = 0; k < perCustomer; k++) {
      const idx = c * perCustomer + k;
      if (t.count[idx] === agents.size) delivery.push(t.lastAt[idx]! - t.sentAt[idx]!);
    }
  const cpu = process.cpuUsage(cpu0);
  const end = t.full ? Math.max(t.lastFull, dueOf(total - 1)) : performance.now();
  return {
    offered: total,
    sent: next,
    rejected,
    timeouts,
    delivered: t.full,
    duplicates: t.duplicates,
    deliveredRate: (t.full / (end - start)) * 1000,
    ack: percentiles(acks, acked),
    delivery: percentiles(delivery),
    lateSends,
    generatorCpuMs: (cpu.user + cpu.system) / 1000 / total,
  };
}
