import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';

/**
 * Issue 10.4: a channel's delivery reports arrive late, out of order and at the same moment. However
 * they interleave, the status only moves forward: never `failed` after `read`, and what each report
 * was answered agrees with what was stored.
 */
let t: TestServer;
let admin: Caller;
let adminToken: string;
let agent: Caller;
let support: number;

beforeAll(async () => {
  t = await startTestServer();
  support = await createQueue(t, 'Support');
  const a = await createUser(t, 'admin', 'Ada Admin');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
  agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [support]));
});
afterAll(() => t.close());

describe('concurrent delivery reports', () => {
  it('keep the forward-only order for 30 messages reported sent, delivered, read and failed at once', async () => {
    const r = await customerWrites(t, adminToken, { externalId: 'wa-race', body: 'Hi', queueId: support });
    const conversationId = r.body.conversationId;
    expect((await admin.api('POST', `/api/v1/conversations/${conversationId}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      const m = await agent.api('POST', `/api/v1/conversations/${conversationId}/messages`, { body: `Reply ${i}` });
      expect(m.status).toBe(201);
      ids.push(m.body.id);
    }
    const statuses = ['sent', 'delivered', 'read', 'failed'] as const;
    const answers = await Promise.all(
      ids.flatMap((id) =>
        statuses.map((status) =>
          admin.api('POST', `/api/v1/messages/${id}/delivery`, { status, ...(status === 'failed' ? { failureReason: 'Rejected' } : {}) }).then((res) => ({ id, status, res })),
        ),
      ),
    );
    for (const a of answers) expect([200, 409]).toContain(a.res.status);
    const history = await agent.api('GET', `/api/v1/conversations/${conversationId}/messages?limit=100`);
    const stored = new Map<number, string>(history.body.items.map((m: any) => [m.id, m.status]));
    const wrong: string[] = [];
    for (const id of ids) {
      const mine = answers.filter((a) => a.id === id);
      const ok = (s: string) => mine.find((a) => a.status === s)!.res.status === 200;
      const final = stored.get(id);
      // Serialised, the four reports end in `read` (failed came too late) or `failed` (it came while
      // queued or sent, and delivered/read were refused after it).
      if (final === 'read' && !ok('failed')) continue;
      if (final === 'failed' && !ok('delivered') && !ok('read')) continue;
      wrong.push(`${id}: ${final} (accepted ${mine.filter((a) => a.res.status === 200).map((a) => a.status).join(',')})`);
    }
    expect(wrong).toEqual([]);
  });
});
