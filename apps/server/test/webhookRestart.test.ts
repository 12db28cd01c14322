import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser, customerWrites, ENGINE, signIn, startTestServer, tokenFor, type TestServer } from '../../../test/harness.ts';
import { startReceiver } from './webhookReceiver.ts';

/**
 * Issue 16 item 1: a server stopped while a webhook delivery is in flight. The next server on the
 * same database sends it again under the same webhook-id, so a receiver that drops repeats by id
 * keeps it once; nothing is lost and no second id appears.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-webhook-restart-'));
const schema = `sbtest_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
const config = { webhooksAllowPrivate: true, webhookTimeoutMs: 5000, secretsKey: 'webhook restart test key' };
const start = () => startTestServer({ dataDir, schema, config });
const rxPromise = startReceiver();
let second: TestServer | undefined;

afterAll(async () => {
  await second?.close();
  await (await rxPromise).close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (ENGINE === 'postgres') {
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  }
});

describe('a restart mid-delivery', () => {
  it('re-sends the same delivery id, which the receiver keeps once', async () => {
    const rx = await rxPromise;
    const first = await start();
    const a = await createUser(first, 'admin', 'Rita Admin');
    const admin = await signIn(first, a);
    const token = await tokenFor(first, a.id);
    const created = await admin.api('POST', '/api/v1/admin/webhooks', { url: rx.url, events: ['message_created'] });
    expect(created.status).toBe(201);
    rx.setSecret(created.body.secret);
    const name = `webhook:${created.body.id}`;

    rx.next.push('hold'); // the receiver takes the request and does not answer yet
    expect((await customerWrites(first, token, { externalId: 'restart-1', body: 'in flight' })).status).toBe(201);
    await first.server.services.dispatcher.flush();
    const running = first.server.services.outbox.runOnce(name);
    await rx.waitFor(1);
    await first.server.close(); // stops mid-delivery
    await running;

    second = await start();
    await second.server.services.dispatcher.flush();
    second.clock.advance(3600_000);
    await second.server.services.outbox.runOnce(name);
    expect((await customerWrites(second, token, { externalId: 'restart-1', body: 'after' })).status).toBe(201);
    await second.server.services.dispatcher.flush();
    await second.server.services.outbox.runOnce(name);

    expect(rx.all.map((r) => r.data.message.body)).toEqual(['in flight', 'in flight', 'after']);
    expect(rx.all[1]!.id).toBe(rx.all[0]!.id);
    expect(rx.all.every((r) => r.verified)).toBe(true);
    expect(rx.unique.map((r) => r.data.message.body)).toEqual(['in flight', 'after']);
    const log = (await (await signIn(second, a)).api('GET', `/api/v1/admin/webhooks/${created.body.id}/deliveries`)).body.items;
    expect(log.map((d: any) => [d.messageId, d.status])).toEqual([
      [rx.all[2]!.id, 'succeeded'],
      [rx.all[0]!.id, 'succeeded'],
    ]);
  });
});
