import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { hashPassword } from '../../apps/server/src/auth/secrets.ts';
import { insertUser } from '../../apps/server/src/store/users.ts';
import { metric, startNode, startOwnRedis, type Node, type OwnRedis } from './services.ts';

/**
 * Issue 10.3: Redis is optional at run time. With our own redis-server killed, sign-in and the
 * widget keep answering (never a 500), rate limits still count (per node), a new node starts, the
 * degradation shows in /metrics; once Redis is back every node reconnects and limits are shared again.
 */
const PORT = 41510;
const PASSWORD = 'correct horse battery';
let redis: OwnRedis;
let a: Node;
let b: Node | undefined;

async function addAdmin(node: Node, email: string) {
  await insertUser(node.server.services.store.db, { email, name: 'Ada Admin', role: 'admin', passwordHash: await hashPassword(PASSWORD), capacity: 5, now: Date.now() });
}

const login = (node: Node, email: string, password = PASSWORD, ip = '10.1.1.1') =>
  fetch(`${node.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email, password }) });

const widgetSession = (node: Node, ip: string) =>
  fetch(`${node.url}/api/v1/widget/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: '{}' });

async function until(what: string, check: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  redis = await startOwnRedis(PORT);
  a = await startNode({ redisUrl: redis.url });
  await addAdmin(a, 'ada@example.test');
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await redis?.remove();
});

describe('Redis down', () => {
  it('keeps sign-in and the widget working, counts limits per node, and recovers when Redis is back', async () => {
    expect((await login(a, 'ada@example.test')).status).toBe(200);
    expect(await metric(a.url, 'switchboard_redis_up')).toBe(1);

    await redis.kill();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(a, 'ada@example.test', PASSWORD, `10.2.0.${i}`)).status);
    for (let i = 0; i < 5; i++) statuses.push((await widgetSession(a, `10.3.0.${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201, 201, 201, 201, 201]);
    expect(await metric(a.url, 'switchboard_redis_up')).toBe(0);

    // The sign-in limit (10 a minute per address and email) still holds, counted by this node.
    const wrong: number[] = [];
    for (let i = 0; i < 11; i++) wrong.push((await login(a, 'ada@example.test', 'wrong', '10.4.0.1')).status);
    expect(wrong.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(wrong[10]).toBe(429);

    // A node starts while Redis is away, and serves.
    const started = Date.now();
    b = await startNode({ redisUrl: redis.url });
    expect(Date.now() - started).toBeLessThan(15_000);
    await addAdmin(b, 'bea@example.test');
    expect((await login(b, 'bea@example.test')).status).toBe(200);
    expect((await widgetSession(b, '10.5.0.1')).status).toBe(201);

    await redis.start();
    // (The gauge is per process and both nodes share this one: ask each node too.)
    await until('both nodes to reconnect', async () => a.server.services.redis!.up && b!.server.services.redis!.up);
    expect(await metric(a.url, 'switchboard_redis_up')).toBe(1);
    // Limits are shared again: the counter lives in Redis.
    expect((await login(b, 'bea@example.test', PASSWORD, '10.6.0.1')).status).toBe(200);
    const probe = new Redis(redis.url);
    const keys = await probe.keys('switchboard:ratelimit:*');
    probe.disconnect();
    expect(keys.some((k) => k.includes('10.6.0.1'))).toBe(true);
  });
});
