import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { seedDemo } from '../src/demo/seed.ts';

/**
 * The demo history is planned from "today", so each start date plays another script. On
 * 2 December 2026 `npm start` died in it: the supervisor accepted a discuss request the moment
 * its timeout fired ("This request is already timed out").
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

it('seeds the demo, history included, on the day npm start failed', async () => {
  t.clock.set(Date.UTC(2026, 11, 2, 13, 40));
  await seedDemo(t.server.services.store, t.clock);
  const requests = await t.server.services.store.db.selectFrom('engagement_requests').select(['status', 'resolved']).execute();
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.every((r) => r.status === 'ended')).toBe(true);
}, 180_000);
