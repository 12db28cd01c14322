import { afterAll, beforeAll, expect, it } from 'vitest';
import { createQueue, createUser, startTestServer, type TestServer } from './harness.ts';

// The harness is what every server test stands on: a lost membership made the authorization
// matrix fail at random in CI ("recipient_not_in_queue" for a colleague created in the queue).
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

it('keeps every queue membership when users are created at once', async () => {
  const q = await createQueue(t, 'Parallel');
  const users = await Promise.all(['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay'].map((n) => createUser(t, 'agent', n, [q])));
  const members = await t.server.services.store.db.selectFrom('queue_members').select('user_id').where('queue_id', '=', q).execute();
  expect(members.map((m) => m.user_id).sort((a, b) => a - b)).toEqual(users.map((u) => u.id).sort((a, b) => a - b));
});
