import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestServer, Caller } from '../../../../test/harness.ts';

export function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sb-${name}-`));
}

/** Waits for the webhooks in processing (they are answered first, processed right after). */
export async function settled(t: TestServer): Promise<void> {
  await t.server.services.messaging.webhooks.idle();
}

export async function createInbox(admin: Caller, body: Record<string, unknown>) {
  const res = await admin.api('POST', '/api/v1/inboxes', body);
  if (res.status !== 201) throw new Error(`inbox not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; address: string };
}

export async function conversationsOf(caller: Caller, q: string) {
  const list = await caller.api('GET', `/api/v1/conversations?q=${encodeURIComponent(q)}&limit=50`);
  return list.body.items as Array<{ id: number; channel: string; status: string; inbox: { id: number; name: string } | null; contact: { name: string; phone: string | null } }>;
}

export async function messagesOf(caller: Caller, id: number) {
  return (await caller.api('GET', `/api/v1/conversations/${id}/messages`)).body.items as Array<{
    id: number;
    body: string;
    senderKind: string;
    status: string;
    failureReason: string | null;
    replyToId: number | null;
    clientId: string | null;
    attachments: Array<{ name: string; url: string; contentType: string; size: number }>;
  }>;
}

/** A multipart body for the attachment upload route. */
export function multipart(name: string, type: string, data: Buffer) {
  const boundary = '----sbtest' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, data, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function upload(t: TestServer, caller: Caller, conversationId: number, name: string, type: string, data: Buffer) {
  const m = multipart(name, type, data);
  const res = await t.server.app.inject({ method: 'POST', url: `/api/v1/conversations/${conversationId}/attachments`, payload: m.payload, headers: { ...m.headers, cookie: `sb_session=${caller.cookie}`, 'x-csrf-token': caller.csrf } });
  if (res.statusCode !== 201) throw new Error(`upload failed: ${res.statusCode} ${res.body}`);
  return res.json() as { name: string; url: string; contentType: string; size: number };
}
