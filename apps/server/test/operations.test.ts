import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ENGINE, createQueue, createUser, customerWrites, startTestServer, tokenFor, type TestServer } from '../../../test/harness.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ listen: true });
});
afterAll(() => t.close());

describe('operations', () => {
  it('answers /healthz and /readyz with the database engine', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`${t.url}/readyz`)).json();
    expect(ready.ok).toBe(true);
    expect(['sqlite', 'postgres']).toContain(ready.database);
  });

  it('exposes Prometheus metrics that count stored messages', async () => {
    const admin = await createUser(t, 'admin', 'Metrics Admin');
    const token = await tokenFor(t, admin.id);
    const q = await createQueue(t, 'Metrics');
    await customerWrites(t, token, { externalId: 'm-1', body: 'count me', queueId: q });
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/switchboard_messages_created_total\{sender="customer"\} [1-9]/);
    expect(text).toContain('switchboard_http_request_duration_seconds_bucket');
  });

  it('publishes an OpenAPI 3 document and a browsable reference page', async () => {
    const doc = await (await fetch(`${t.url}/api/openapi.json`)).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/v1/conversations/{id}/messages'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/auth/login'].post).toBeDefined();
    const page = await fetch(`${t.url}/api/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/swagger/i);
  });

  it('answers unknown API routes and malformed JSON with coded errors and no stack', async () => {
    const missing = await fetch(`${t.url}/api/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
    const bad = await fetch(`${t.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.code).toBe('bad_request');
    expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+|node_modules/);
  });

  it('finishes in-flight writes when shutting down, and loses none it acknowledged', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-shutdown-'));
    const schema = `sbtest_${process.pid}_shutdown`;
    const own = await startTestServer({ listen: true, dataDir, schema });
    const admin = await createUser(own, 'admin', 'Closing Admin');
    const token = await tokenFor(own, admin.id);
    await createQueue(own, 'Closing');
    // A request whose body is still arriving when shutdown starts is in flight: it must be finished.
    const body = JSON.stringify({ externalId: 'closing', contact: { name: 'Last Words' }, body: 'sent during shutdown', messageId: 'last' });
    const { port } = new URL(own.url);
    let status = 0;
    const answered = new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/api/v1/inbound/messages', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          status = res.statusCode ?? 0;
          res.resume().on('end', () => resolve());
        },
      );
      req.on('error', reject);
      // Shut down once the server has the request (headers read, body still coming), then finish it.
      own.server.app.server.once('request', () => {
        closing = own.server.close();
        setTimeout(() => req.end(body.slice(10)), 50);
      });
      req.write(body.slice(0, 10));
    });
    let closing: Promise<void> = Promise.resolve();
    await answered;
    await closing;
    expect(status).toBe(201);
    // And the server no longer accepts new work.
    await expect(fetch(`${own.url}/healthz`)).rejects.toThrow();

    const reopened = await startTestServer({ dataDir, schema });
    const stored = await reopened.server.services.store.db.selectFrom('messages').select('body').execute();
    expect(stored.map((m) => m.body)).toEqual(['sent during shutdown']);
    await reopened.close();
    if (ENGINE === 'postgres') await dropSchema(schema);
  });
});

async function dropSchema(schema: string) {
  const pg = await import('pg');
  const c = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
}
