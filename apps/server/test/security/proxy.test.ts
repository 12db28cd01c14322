import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { readConfig } from '../../src/config.ts';

/** Issue 9 item 5: X-Forwarded-For is believed only from configured proxies. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ config: { trustProxy: false } });
});
afterAll(() => t.close());

describe('without TRUST_PROXY', () => {
  it('a forged X-Forwarded-For does not dodge the sign-in limit', async () => {
    const email = `nobody.${crypto.randomBytes(4).toString('hex')}@example.test`;
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await t.server.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': `203.0.113.${i + 1}` }, payload: { email, password: 'wrong password' } });
      codes.push(r.statusCode);
    }
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
  });
});

describe('TRUST_PROXY', () => {
  it('is off unless set, and takes a hop count or addresses', () => {
    expect(readConfig({}).trustProxy).toBe(false);
    expect(readConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(readConfig({ TRUST_PROXY: '10.0.0.1,10.1.0.0/16' }).trustProxy).toBe('10.0.0.1,10.1.0.0/16');
  });
});
