/**
 * Child process: the floor to compare against. A bare node:http server + `ws` server that does exactly
 * one INSERT per message (SQLite: better-sqlite3 with WAL + synchronous=FULL like the server;
 * PostgreSQL: a pg Pool of the server's size) and forwards the message to every connected listener.
 * Listeners say `{"type":"hello"}` and get `{"type":"ready"}`, like the real stream.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveUntilStopped, targetArgs } from '../protocol.ts';

const args = targetArgs();
type Insert = (customer: string, body: string, at: number) => Promise<number>;

let insert: Insert;
let closeDb: () => Promise<void>;
let dataDir: string | null = null;
if (args.engine === 'sqlite') {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbbase-'));
  const db = new SQLite(path.join(dataDir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // Diagnosis only (BENCH_SQLITE_SYNC=OFF): the same without the fsync per commit.
  if (process.env.BENCH_SQLITE_SYNC) db.pragma(`synchronous = ${process.env.BENCH_SQLITE_SYNC}`);
  db.exec('create table messages (id integer primary key autoincrement, customer text not null, body text not null, created_at integer not null)');
  const stmt = db.prepare('insert into messages (customer, body, created_at) values (?, ?, ?)');
  insert = async (customer, body, at) => Number(stmt.run(customer, body, at).lastInsertRowid);
  closeDb = async () => {
    db.close();
    fs.rmSync(dataDir!, { recursive: true, force: true });
  };
} else {
  const admin = new pg.Client({ connectionString: args.pgUrl });
  await admin.connect();
  await admin.query(`create schema if not exists "${args.pgSchema}"`);
  await admin.query(`create table "${args.pgSchema}".messages (id bigserial primary key, customer text not null, body text not null, created_at bigint not null)`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: args.pgUrl, max: 10, options: `-c search_path="${args.pgSchema}"` });
  insert = async (customer, body, at) => {
    const r = await pool.query<{ id: string }>('insert into messages (customer, body, created_at) values ($1, $2, $3) returning id', [customer, body, at]);
    return Number(r.rows[0]!.id);
  };
  closeDb = async () => {
    await pool.end();
    const c = new pg.Client({ connectionString: args.pgUrl });
    await c.connect();
    await c.query(`drop schema if exists "${args.pgSchema}" cascade`);
    await c.end();
  };
}

const listeners = new Set<WebSocket>();
const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/inbound') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      try {
        const b = JSON.parse(Buffer.concat(chunks).toString()) as { externalId: string; body: string };
        const at = Date.now();
        const id = await insert(b.externalId, b.body, at);
        const frame = JSON.stringify({ type: 'message.created', at, data: { message: { id, body: b.body, createdAt: at } } });
        for (const ws of listeners) ws.send(frame);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    })();
  });
});
const wss = new WebSocketServer({ server, path: '/stream' });
wss.on('connection', (ws) => {
  ws.on('message', (raw) => {
    if (String(raw).includes('"hello"')) {
      listeners.add(ws);
      ws.send('{"type":"ready","seq":0}');
    }
  });
  ws.on('close', () => listeners.delete(ws));
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const addr = server.address();
const port = typeof addr === 'object' && addr ? addr.port : 0;

serveUntilStopped(
  {
    type: 'ready',
    url: `http://127.0.0.1:${port}`,
    inboundPath: '/inbound',
    headers: { 'content-type': 'application/json' },
    streamUrls: Array.from({ length: args.agents }, () => `ws://127.0.0.1:${port}/stream`),
    notes: [`engine ${args.engine}${dataDir ? ' (WAL, synchronous=FULL)' : ` (schema ${args.pgSchema}, pool max 10)`}`],
  },
  async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeDb();
  },
);
