import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, openStream, PASSWORD, signIn, startTestServer, type TestServer } from '../../../../test/harness.ts';
import { readConfig } from '../../src/config.ts';
import { DEMO_PASSWORD, DEMO_USERS, retireDemoAccounts } from '../../src/demo/seed.ts';
import { hashPassword } from '../../src/auth/secrets.ts';
import { insertUser } from '../../src/store/users.ts';

/** Issue 9 item 1: passwords can be changed and reset, are held to a policy, and known ones do not open the door. */
let t: TestServer;
let support: number;

beforeAll(async () => {
  t = await startTestServer({ listen: true, config: { sessionIdleMs: 60 * 60_000 } });
  support = await createQueue(t, 'Support');
});
afterAll(() => t.close());

const login = (email: string, password: string) => t.server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

describe('changing your own password', () => {
  it('needs the current password and a password that is not weak', async () => {
    const u = await createUser(t, 'agent', 'Mark Watney', [support]);
    const mark = await signIn(t, u);
    expect((await mark.api('POST', '/api/v1/me/password', { currentPassword: 'not it at all', newPassword: 'violet tractor sings loudly' })).body.error.code).toBe('wrong_password');
    for (const weak of ['password', '        ', 'switchboard', 'Password123!', 'mark watney']) {
      const r = await mark.api('POST', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: weak });
      expect(r.status, weak).toBe(422);
      expect(r.body.error.code).toBe('weak_password');
    }
    expect((await login(u.email, PASSWORD)).statusCode).toBe(200);
  });

  it('ends every other session and its sockets, keeps this one, and the old password stops working', async () => {
    const u = await createUser(t, 'agent', 'Martha Jones', [support]);
    const here = await signIn(t, u);
    const elsewhere = await signIn(t, u);
    const stream = await openStream(t, elsewhere);
    const closed = new Promise<number>((resolve) => stream.ws.once('close', (code) => resolve(code)));
    expect((await here.api('POST', '/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'violet tractor sings loudly' })).status).toBe(200);
    expect(await closed).toBe(4401);
    expect((await elsewhere.api('GET', '/api/v1/me')).status).toBe(401);
    expect((await here.api('GET', '/api/v1/me')).status).toBe(200);
    expect((await login(u.email, PASSWORD)).statusCode).toBe(401);
    expect((await login(u.email, 'violet tractor sings loudly')).statusCode).toBe(200);
  });
});

describe('an administrator’s reset', () => {
  it('signs the user out and makes them choose a new password before anything else', async () => {
    const admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    const u = await createUser(t, 'agent', 'Nina Patel', [support]);
    const nina = await signIn(t, u);
    expect((await nina.api('POST', `/api/v1/users/${admin.id}/password-reset`, { temporaryPassword: 'amber kettle drifts north' })).status).toBe(403);
    expect((await admin.api('POST', `/api/v1/users/${u.id}/password-reset`, { temporaryPassword: 'switchboard' })).body.error.code).toBe('weak_password');
    expect((await admin.api('POST', `/api/v1/users/${u.id}/password-reset`, { temporaryPassword: 'amber kettle drifts north' })).status).toBe(200);
    expect((await nina.api('GET', '/api/v1/me')).status).toBe(401);

    const again = await signIn(t, u, 'amber kettle drifts north');
    expect((await again.api('GET', '/api/v1/me')).body.mustChangePassword).toBe(true);
    const blocked = await again.api('GET', '/api/v1/conversations');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('password_change_required');
    expect((await again.api('POST', '/api/v1/me/password', { currentPassword: 'amber kettle drifts north', newPassword: 'copper lantern hums softly' })).status).toBe(200);
    expect((await again.api('GET', '/api/v1/conversations')).status).toBe(200);
    expect((await again.api('GET', '/api/v1/me')).body.mustChangePassword).toBe(false);
  });
});

describe('sessions and known passwords', () => {
  it('a session unused for longer than the idle timeout ends; one in use does not', async () => {
    const u = await createUser(t, 'agent', 'Rory Williams', [support]);
    const busy = await signIn(t, u);
    const idle = await signIn(t, u);
    for (let i = 0; i < 3; i++) {
      t.clock.advance(25 * 60_000);
      expect((await busy.api('GET', '/api/v1/me')).status).toBe(200);
    }
    expect((await idle.api('GET', '/api/v1/me')).status).toBe(401);
  });

  it('the server listens on loopback unless HOST says otherwise', () => {
    expect(readConfig({}).host).toBe('127.0.0.1');
    expect(readConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('the demo accounts stop working once the server runs without DEMO_DATA', async () => {
    const db = t.server.services.store.db;
    const hash = await hashPassword(DEMO_PASSWORD);
    for (const d of DEMO_USERS) await insertUser(db, { ...d, passwordHash: hash, now: t.clock.now() });
    expect((await login(DEMO_USERS[1]!.email, DEMO_PASSWORD)).statusCode).toBe(200);
    expect(await retireDemoAccounts(t.server.services.store)).toBe(DEMO_USERS.length);
    for (const d of DEMO_USERS) expect((await login(d.email, DEMO_PASSWORD)).statusCode).toBe(401);
  });
});
