import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, PASSWORD, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { SIGN_IN_LIMITS } from '../../src/http/routes/auth.ts';

/**
 * Issue 9, remnants of findings 1 and 5: an administrator creating a user meets the password policy;
 * sign-in is limited per account from one address AND per address across accounts, separately.
 */
let t: TestServer;
let admin: Caller;
beforeAll(async () => {
  t = await startTestServer();
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
});
afterAll(() => t.close());

const login = (email: string, password: string, from: string) =>
  t.server.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': from }, payload: { email, password } });
const someone = () => `nobody.${crypto.randomBytes(4).toString('hex')}@example.test`;

describe('an administrator creating a user', () => {
  it.each(['password', '        ', 'switchboard', 'switchboard1'])('cannot give them the password %j', async (password) => {
    const r = await admin.api('POST', '/api/v1/users', { email: someone(), name: 'New Person', role: 'agent', password });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('weak_password');
  });

  it('nor one made of their own name', async () => {
    const r = await admin.api('POST', '/api/v1/users', { email: 'grace.hopper@example.test', name: 'Grace Hopper', role: 'agent', password: 'gracehopper' });
    expect(r.body.error.code).toBe('weak_password');
  });

  it('a strong one is accepted', async () => {
    expect((await admin.api('POST', '/api/v1/users', { email: someone(), name: 'New Person', role: 'agent', password: 'violet tractor mends clouds' })).status).toBe(201);
  });
});

describe('the sign-in limits', () => {
  it('password spraying from one address (one try on each of many accounts) is limited', async () => {
    const codes: number[] = [];
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress + 2; i++) codes.push((await login(someone(), 'Summer2026!', '198.51.100.20')).statusCode);
    expect(codes.slice(0, SIGN_IN_LIMITS.perAddress).every((c) => c === 401)).toBe(true);
    expect(codes.slice(SIGN_IN_LIMITS.perAddress)).toEqual([429, 429]);
  });

  it('an office behind one address can all sign in at the start of the day (only failures count)', async () => {
    const colleagues = [];
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress + 10; i++) colleagues.push(await createUser(t, 'agent', `Colleague ${'abcdefghij'[i % 10]}${'abcdefghij'[Math.floor(i / 10)]}`));
    const codes: number[] = [];
    for (const c of colleagues) codes.push((await login(c.email, PASSWORD, '198.51.100.30')).statusCode);
    expect(codes).toEqual(colleagues.map(() => 200));
  });

  it('guessing one account from one address is limited sooner', async () => {
    const email = someone();
    const codes: number[] = [];
    for (let i = 0; i < SIGN_IN_LIMITS.perAccountAndAddress + 1; i++) codes.push((await login(email, `guess ${i}`, '198.51.100.21')).statusCode);
    expect(codes.at(-1)).toBe(429);
  });

  it("someone else's address never locks the owner out", async () => {
    const victim = await createUser(t, 'agent', 'Victor Victim');
    for (let i = 0; i < SIGN_IN_LIMITS.perAccountAndAddress + 5; i++) await login(victim.email, `guess ${i}`, '198.51.100.22');
    expect((await login(victim.email, 'guess again', '198.51.100.22')).statusCode).toBe(429);
    expect((await login(victim.email, PASSWORD, '192.0.2.50')).statusCode).toBe(200);
  });
});
