import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { isPrivateAddress } from '../src/integrations/webhookTarget.ts';
import { startReceiver, type Receiver } from './webhookReceiver.ts';

/**
 * Issue 16 item 1: the SSRF guard of outgoing webhooks, with WEBHOOKS_ALLOW_PRIVATE off (the
 * default). Names resolve through a lookup this test controls (no DNS, no internet): `*.test` names
 * point where each case needs, and `rebind.test` answers a public address first and loopback after,
 * as a rebinding attacker's DNS would.
 */
let t: TestServer;
let rx: Receiver;
let admin: Caller;
let token: string;
let rebinds = 0;

const HOSTS: Record<string, { address: string; family: 4 | 6 }[]> = {
  'loopback.test': [{ address: '127.0.0.1', family: 4 }],
  'ten.test': [{ address: '10.1.2.3', family: 4 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'v6loop.test': [{ address: '::1', family: 6 }],
  'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }],
  'ula.test': [{ address: 'fd12:3456::1', family: 6 }],
  'mixed.test': [
    { address: '93.184.216.34', family: 4 },
    { address: '192.168.1.10', family: 4 },
  ],
  'public.test': [{ address: '93.184.216.34', family: 4 }],
};

const lookup = ((host: string, options: { all?: boolean }, cb: (err: NodeJS.ErrnoException | null, a: unknown, f?: number) => void) => {
  let list = HOSTS[host];
  if (host === 'rebind.test') list = [rebinds++ === 0 ? { address: '93.184.216.34', family: 4 } : { address: '127.0.0.1', family: 4 }];
  if (!list) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), undefined);
  if (options.all) cb(null, list);
  else cb(null, list[0]!.address, list[0]!.family);
}) as unknown as LookupFunction;

beforeAll(async () => {
  t = await startTestServer({ config: { webhooksAllowPrivate: false, webhookLookup: lookup, webhookTimeoutMs: 1000 } });
  rx = await startReceiver();
  const a = await createUser(t, 'admin', 'Sam Admin');
  admin = await signIn(t, a);
  token = await tokenFor(t, a.id);
});
afterAll(async () => {
  await t?.close();
  await rx?.close();
});

describe('the SSRF guard (private targets not allowed)', () => {
  it.each([
    ['http://127.0.0.1:{port}/hook'],
    ['http://10.0.0.5/hook'],
    ['http://169.254.169.254/latest/meta-data'],
    ['http://[::1]:{port}/hook'],
    ['http://[::ffff:7f00:1]:{port}/hook'],
    ['http://loopback.test:{port}/hook'],
    ['http://ten.test/hook'],
    ['http://metadata.test/hook'],
    ['http://v6loop.test/hook'],
    ['http://mapped.test/hook'],
    ['http://ula.test/hook'],
    ['http://mixed.test/hook'],
    ['http://nowhere.test/hook'],
  ])('refuses %s', async (url) => {
    const r = await admin.api('POST', '/api/v1/admin/webhooks', { url: url.replace('{port}', String(rx.port)), events: ['message_created'] });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('webhook_target_refused');
    expect(r.body.error.message).toMatch(/WEBHOOKS_ALLOW_PRIVATE/);
  });

  it('refuses a changed URL that resolves privately', async () => {
    const r = await admin.api('POST', '/api/v1/admin/webhooks', { url: 'https://public.test/hook', events: ['message_created'] });
    expect(r.status).toBe(201);
    const p = await admin.api('PATCH', `/api/v1/admin/webhooks/${r.body.id}`, { url: 'http://ten.test/hook' });
    expect(p.body.error.code).toBe('webhook_target_refused');
    await admin.api('DELETE', `/api/v1/admin/webhooks/${r.body.id}`);
  });

  it('checks again at each delivery and connects only to the address it checked (DNS rebinding)', async () => {
    rebinds = 0;
    const r = await admin.api('POST', '/api/v1/admin/webhooks', { url: `http://rebind.test:${rx.port}/hook`, events: ['message_created'] });
    expect(r.status).toBe(201); // the name looked public when it was added
    expect((await customerWrites(t, token, { externalId: 'ssrf-1', body: 'hello' })).status).toBe(201);
    await t.server.services.dispatcher.flush();
    await t.server.services.outbox.runOnce(`webhook:${r.body.id}`);
    const [d] = (await admin.api('GET', `/api/v1/admin/webhooks/${r.body.id}/deliveries`)).body.items;
    expect(d).toMatchObject({ status: 'failed', responseCode: null });
    expect(d.error).toMatch(/^Refused: rebind\.test resolves to 127\.0\.0\.1/);
    expect(rx.all).toEqual([]); // the loopback receiver heard nothing
  });

  it('knows loopback, private, link-local and ULA addresses in every spelling', () => {
    for (const a of ['127.0.0.1', '127.9.9.9', '10.0.0.1', '172.16.5.4', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::10.0.0.1', 'not-an-ip']) {
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect([a, isPrivateAddress(a)]).toEqual([a, false]);
    }
  });
});
