import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { startReceiver, type Receiver } from './webhookReceiver.ts';
import { BUILTIN_GREETER, createBot } from '../src/actions/bots.ts';

/**
 * Issue 16 item 2: an agent bot behind a loopback receiver that verifies every delivery with the
 * `standardwebhooks` package; the test answers for the bot through the API with the bot's token, as
 * the example bot of docs/bots.md does. The bot's worker is driven with `outbox.runOnce`.
 */
let t: TestServer;
let rx: Receiver;
let admin: Caller;
let adminToken: string;

beforeAll(async () => {
  t = await startTestServer({ listen: true, config: { webhooksAllowPrivate: true, webhookTimeoutMs: 400 } });
  rx = await startReceiver();
  const a = await createUser(t, 'admin', 'Wanda Admin');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
});
afterAll(async () => {
  await t?.close();
  await rx?.close();
});

async function queueWithAgent(name: string) {
  const queueId = await createQueue(t, `${name} ${crypto.randomBytes(2).toString('hex')}`);
  const agent = await signIn(t, await createUser(t, 'agent', `${name} Agent`, [queueId]));
  expect((await agent.api('PUT', '/api/v1/routing/me/status', { status: 'available' })).status).toBe(200);
  return { queueId, agent };
}

async function addBot(name: string, queueIds: number[]) {
  const r = await admin.api('POST', '/api/v1/admin/bots', { name, url: rx.url, queueIds });
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ name, url: rx.url, queueIds, active: true, holding: 0 });
  expect(r.body.token).toMatch(/^sbb_/);
  rx.setSecret(r.body.secret);
  const webhook = await t.server.services.store.db.selectFrom('webhooks').select('id').where('bot_id', '=', r.body.id).executeTakeFirstOrThrow();
  return {
    id: r.body.id as number,
    token: r.body.token as string,
    /** One pass of the bot's delivery worker, after the committed events are numbered. */
    async run() {
      await t.server.services.dispatcher.flush();
      return t.server.services.outbox.runOnce(`webhook:${webhook.id}`);
    },
  };
}

async function write(queueId: number, externalId: string, body: string) {
  const r = await customerWrites(t, adminToken, { externalId, body, queueId });
  expect(r.status).toBe(201);
  return r.body.conversationId as number;
}
const offers = async (c: Caller) => (await c.api('GET', '/api/v1/routing/me')).body.offers as Array<{ conversationId: number }>;
const conversation = async (id: number) => (await admin.api('GET', `/api/v1/conversations/${id}`)).body;
const history = async (id: number) => (await admin.api('GET', `/api/v1/conversations/${id}/messages`)).body.items as Array<{ body: string; senderKind: string }>;

describe('agent bots', () => {
  it('greets a new conversation, is asked for a human, hands off, and an agent gets the offer', async () => {
    rx.all.length = 0;
    const { queueId, agent } = await queueWithAgent('Front');
    const bot = await addBot('Greeter', [queueId]);
    const c = await write(queueId, 'bot-1', 'Hi there');
    // The bot holds it: nobody is offered it meanwhile.
    expect(await conversation(c)).toMatchObject({ assigneeId: bot.id, status: 'active' });
    expect(await offers(agent)).toEqual([]);

    await bot.run();
    expect(rx.all.map((r) => r.type)).toEqual(['conversation_created', 'message_created']);
    expect(rx.all.every((r) => r.verified)).toBe(true);
    expect(rx.all[1]!.data.message).toMatchObject({ body: 'Hi there', senderKind: 'customer', conversationId: c });

    // The bot answers through the API with its own token.
    const greet = await bearer(t, bot.token, 'POST', `/api/v1/conversations/${c}/messages`, { body: 'Hello! Write "agent" for a person.' });
    expect(greet.status).toBe(201);
    expect(greet.body).toMatchObject({ senderKind: 'bot', sender: { id: bot.id, name: 'Greeter' } });
    // A bot's reply is not a human's first response (reports measure people).
    expect((await conversation(c)).firstResponseAt).toBeNull();

    await write(queueId, 'bot-1', 'I want an agent please');
    rx.all.length = 0;
    await bot.run();
    // Its own message is not sent back to it: only the customer's.
    expect(rx.all.map((r) => [r.type, r.data.message?.body])).toEqual([['message_created', 'I want an agent please']]);

    const off = await bearer(t, bot.token, 'POST', `/api/v1/conversations/${c}/handoff`, { note: 'Wants a person' });
    expect(off.status).toBe(200);
    expect(await conversation(c)).toMatchObject({ assigneeId: null, status: 'queued' });
    expect((await offers(agent)).map((o) => o.conversationId)).toEqual([c]);
    expect((await history(c)).map((m) => m.body)).toContain('Handed over to a human by Greeter: Wants a person');
    // Once handed over the bot cannot hand it over again, nor write to the customer.
    expect((await bearer(t, bot.token, 'POST', `/api/v1/conversations/${c}/handoff`, {})).body.error.code).toBe('not_found');
    rx.all.length = 0;
    await write(queueId, 'bot-1', 'Still there?');
    await bot.run();
    expect(rx.all).toEqual([]);
  });

  it('gives the bot a token that reaches the conversations it holds and nothing else', async () => {
    const { queueId } = await queueWithAgent('Reach');
    const bot = await addBot('Narrow', [queueId]);
    const held = await write(queueId, 'bot-reach-1', 'Hello');
    const other = await write((await queueWithAgent('Elsewhere')).queueId, 'bot-reach-2', 'Not for the bot');
    // Its conversation: read the history, reply, write a note.
    expect((await bearer(t, bot.token, 'GET', `/api/v1/conversations/${held}/messages`)).status).toBe(200);
    expect((await bearer(t, bot.token, 'POST', `/api/v1/conversations/${held}/notes`, { body: 'Seen by the bot' })).status).toBe(201);
    // Someone else's conversation is not there for it.
    expect((await bearer(t, bot.token, 'GET', `/api/v1/conversations/${other}`)).status).toBe(404);
    expect((await bearer(t, bot.token, 'POST', `/api/v1/conversations/${other}/messages`, { body: 'Hi' })).status).toBe(404);
    // No other scope: not its account (it could mint a personal token with every scope), contacts,
    // reports, the workspace, inbound messages or administration.
    for (const [method, url, needed] of [
      ['GET', '/api/v1/me', 'account'],
      ['POST', '/api/v1/me/tokens', 'account'],
      ['GET', '/api/v1/contacts', 'contacts:read'],
      ['GET', '/api/v1/users', 'workspace:read'],
      ['GET', '/api/v1/reports/overview', 'reports:read'],
      ['POST', '/api/v1/inbound/messages', 'inbound:write'],
      ['GET', '/api/v1/admin/bots', 'admin'],
    ] as const) {
      const r = await bearer(t, bot.token, method, url, method === 'POST' ? { name: 'x' } : undefined);
      expect([url, r.status, r.body.error?.code, r.body.error?.details?.needed]).toEqual([url, 403, 'insufficient_scope', needed]);
    }
    // It is not an integration token: the tokens list does not show it, nor can it be revoked there.
    const listed = (await admin.api('GET', '/api/v1/admin/tokens')).body.items as Array<{ name: string }>;
    expect(listed.map((x) => x.name)).not.toContain('bot');
  });

  it('hands the conversation to humans at once when the bot’s endpoint fails', async () => {
    rx.all.length = 0;
    const { queueId, agent } = await queueWithAgent('Broken');
    const bot = await addBot('Flaky', [queueId]);
    rx.next.push(500);
    const c = await write(queueId, 'bot-2', 'Hello?');
    expect((await conversation(c)).assigneeId).toBe(bot.id);
    await bot.run();
    expect(rx.all.length).toBe(1); // one attempt, no retries
    expect(await conversation(c)).toMatchObject({ assigneeId: null });
    expect((await offers(agent)).map((o) => o.conversationId)).toEqual([c]);
    const lines = (await history(c)).map((m) => m.body);
    expect(lines.some((b) => b.startsWith('Handed over to a human by Flaky: the bot could not be reached (Answered 500)'))).toBe(true);
    expect((await admin.api('GET', `/api/v1/admin/bots/${bot.id}`)).body).toMatchObject({ lastError: 'Answered 500', holding: 0 });
    // The worker moved on: nothing is retried later.
    t.clock.advance(3600_000);
    await bot.run();
    expect(rx.all.length).toBe(1);
    // No answer in time is a failure too.
    rx.next.push('hold');
    const slow = await write(queueId, 'bot-2b', 'Anyone?');
    await bot.run();
    expect(await conversation(slow)).toMatchObject({ assigneeId: null });
    expect((await history(slow)).map((m) => m.body)).toContain('Handed over to a human by Flaky: the bot could not be reached (Timed out after 400 ms)');
  });

  it('lists what bots hold under the bot filter, and only there', async () => {
    const { queueId } = await queueWithAgent('Filter');
    const bot = await addBot('Sorter', [queueId]);
    const held = await write(queueId, 'bot-3', 'Held by the bot');
    const plain = await write((await queueWithAgent('Plain')).queueId, 'bot-4', 'No bot here');
    const ids = async (q: string) => ((await admin.api('GET', `/api/v1/conversations?${q}`)).body.items as Array<{ id: number }>).map((c) => c.id);
    expect(await ids('bot=true')).toContain(held);
    expect(await ids('bot=true')).not.toContain(plain);
    expect(await ids('bot=false')).toContain(plain);
    expect(await ids('bot=false')).not.toContain(held);
    // The workspace knows the assignee is a bot (the list's Bot badge).
    const users = (await admin.api('GET', '/api/v1/users')).body.items as Array<{ id: number; kind: string }>;
    expect(users.find((u) => u.id === bot.id)?.kind).toBe('bot');
    // Bots are not on the presence board.
    const board = (await admin.api('GET', '/api/v1/routing/agents')).body;
    expect(JSON.stringify(board)).not.toContain('"Sorter"');
  });

  it('only an admin manages bots; removing one hands what it holds to humans and ends its token', async () => {
    const { queueId, agent } = await queueWithAgent('Removal');
    expect((await agent.api('POST', '/api/v1/admin/bots', { name: 'Nope', url: rx.url, queueIds: [] })).status).toBe(403);
    const bot = await addBot('Leaving', [queueId]);
    const c = await write(queueId, 'bot-5', 'Hello');
    expect((await admin.api('DELETE', `/api/v1/admin/bots/${bot.id}`)).status).toBe(200);
    expect(await conversation(c)).toMatchObject({ assigneeId: null, status: 'queued' });
    expect((await offers(agent)).map((o) => o.conversationId)).toEqual([c]);
    expect((await bearer(t, bot.token, 'GET', `/api/v1/conversations/${c}/messages`)).status).toBe(401);
    // Its queue starts with nobody now.
    const next = await write(queueId, 'bot-6', 'Anyone?');
    expect((await conversation(next)).assigneeId).not.toBe(bot.id);
    // A human agent cannot use the bot's hand-off.
    const agentToken = await tokenFor(t, agent.id);
    expect((await bearer(t, agentToken, 'POST', `/api/v1/conversations/${c}/handoff`, {})).body.error.code).toBe('not_held_by_bot');
  });

  it('the demo data’s built-in greeter greets, and hands over when the customer asks for an agent', async () => {
    const { queueId, agent } = await queueWithAgent('Demo');
    const s = t.server.services;
    const viewer = { id: admin.id, role: 'admin' as const, queueIds: new Set<number>(), browseContacts: true };
    const { id: botId } = await createBot(s.actions, s.secrets, viewer, { name: 'Greeter bot', url: BUILTIN_GREETER, queueIds: [queueId] }, s.webhooks.policy, { builtin: true });
    await s.webhooks.sync();
    const webhook = await s.store.db.selectFrom('webhooks').select('id').where('bot_id', '=', botId).executeTakeFirstOrThrow();
    const run = async () => {
      await s.dispatcher.flush();
      await s.outbox.runOnce(`webhook:${webhook.id}`);
    };
    const c = await write(queueId, 'demo-1', 'Hello');
    await run();
    const said = async () => (await history(c)).filter((m) => m.senderKind === 'bot').map((m) => m.body);
    expect((await said())[0]).toMatch(/^Hello! I am the Switchboard demo bot/);
    await write(queueId, 'demo-1', 'Where is my parcel?');
    await run();
    expect((await said()).at(-1)).toMatch(/write "agent"/);
    expect((await conversation(c)).assigneeId).toBe(botId);
    await write(queueId, 'demo-1', 'Can I talk to an agent?');
    await run();
    expect(await conversation(c)).toMatchObject({ assigneeId: null, status: 'queued' });
    expect((await offers(agent)).map((o) => o.conversationId)).toEqual([c]);
    // Its deliveries are logged like any webhook's: signed, checked, answered 200.
    const log = await s.store.db.selectFrom('webhook_deliveries').select(['status', 'response_code']).where('webhook_id', '=', webhook.id).execute();
    expect(log.length).toBeGreaterThanOrEqual(4);
    expect(log.every((d) => d.status === 'succeeded' && d.response_code === 200)).toBe(true);
  });

  it('the example bot of docs/bots.md greets, and hands over when asked for an agent', async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
    const code = /## A bot in 20 lines of Node[\s\S]*?```js\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(root, 'docs/bots.md'), 'utf8'))![1]!;
    expect(code.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(22);
    // Beside the repository's node_modules, so `standardwebhooks` resolves as after an npm install.
    const dir = fs.mkdtempSync(path.join(root, 'node_modules/.cache-example-bot-'));
    fs.writeFileSync(path.join(dir, 'bot.mjs'), code);
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const { queueId, agent } = await queueWithAgent('Example');
    // A real process gets the default 10 s to answer (this file's 400 ms is for the failure tests):
    // its first `fetch` alone may hold its event loop longer than that on a busy machine.
    const config = t.server.services.config;
    const timeoutMs = config.webhookTimeoutMs;
    config.webhookTimeoutMs = 10_000;
    const r = await admin.api('POST', '/api/v1/admin/bots', { name: 'Example bot', url: `http://127.0.0.1:${port}/`, queueIds: [queueId] });
    expect(r.status).toBe(201);
    // A plain environment, as the integrator's: Vitest's own NODE_OPTIONS would hold the child up.
    const child = spawn(process.execPath, [path.join(dir, 'bot.mjs')], { env: { PATH: process.env.PATH, SWITCHBOARD_URL: t.url, BOT_TOKEN: r.body.token, BOT_SECRET: r.body.secret, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code, sig) => (output += `exited ${code} ${sig}\n`));
    try {
      await until(async () => {
        const probe = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).catch(() => null);
        return probe?.status === 401; // up, and refusing what is not signed
      }, 'the bot listens');
      const webhook = await t.server.services.store.db.selectFrom('webhooks').select('id').where('bot_id', '=', r.body.id).executeTakeFirstOrThrow();
      const run = async () => {
        await t.server.services.dispatcher.flush();
        await t.server.services.outbox.runOnce(`webhook:${webhook.id}`);
      };
      const c = await write(queueId, 'example-1', 'Hello');
      const botSaid = async () => (await history(c)).filter((m) => m.senderKind === 'bot').map((m) => m.body);
      // The greeting, then its answer to the customer's first message.
      await until(async () => (await run(), (await botSaid()).length === 2), 'the bot greets and answers');
      expect(await botSaid()).toEqual(['Hi! I am a bot. Write "agent" to talk to a person.', 'I only know how to pass you on: write "agent".']);
      await write(queueId, 'example-1', 'An agent, please');
      await until(async () => (await run(), (await conversation(c)).assigneeId === null), 'the bot hands over');
      expect((await offers(agent)).map((o) => o.conversationId)).toEqual([c]);
      expect((await history(c)).map((m) => m.body)).toContain('Handed over to a human by Example bot: Asked for a person: An agent, please');
    } catch (err) {
      throw new Error(`${String(err)}; the example bot said: ${output}`, { cause: err });
    } finally {
      config.webhookTimeoutMs = timeoutMs;
      child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Polls (real time: the example bot is another process) until `ok` holds, for up to 10 s. */
async function until(ok: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}
