import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createUser, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { questionAssigned, startWorkspaceServer, workspaceBrowser, type WorkspaceCast } from './browser.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-web-attach-'));
process.env.DATA_DIR = dataDir;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** A grey PNG of the given size (test data with a real height, unlike the 1×1 dot). */
function greyPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (width + 1), 0x99);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

function multipart(name: string, type: string, data: Buffer) {
  const boundary = '----sbtest' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { payload: Buffer.concat([head, data, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('attachments in the workspace', () => {
  let cast: WorkspaceCast;
  let t: TestServer;
  let admin: Caller;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    cast = await startWorkspaceServer();
    ({ t, admin } = cast);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(channel: string, externalId: string, name: string): Promise<Page> {
    const id = await questionAssigned(cast, admin, channel, externalId, name);
    const page = await ui.open(admin, `/conversations/${id}`);
    await page.locator('.msg-body', { hasText: 'Here is my question' }).waitFor();
    return page;
  }

  it('attaches an image with the button, previews it before sending, and shows it inline and in the gallery', async () => {
    const page = await open('web', 'img', 'Iris Image');
    await page.getByLabel('Choose a file to attach').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
    const dialog = page.getByRole('dialog', { name: 'Send attachment' });
    await dialog.getByRole('img', { name: 'Preview of dot.png' }).waitFor();
    expect(await page.locator('.msg.out').count()).toBe(0);
    await dialog.getByLabel('Caption (optional)').fill('The screenshot you asked for');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    const bubble = page.locator('.msg.out', { hasText: 'The screenshot you asked for' });
    const img = bubble.getByRole('img', { name: 'dot.png' });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);
    const gallery = page.getByRole('region', { name: 'Attachments' });
    await gallery.getByRole('tab', { name: 'Images (1)' }).waitFor();
    await gallery.getByRole('img', { name: 'dot.png' }).waitFor();
  });

  it('takes a file dropped on the composer and lists it under Files', async () => {
    const page = await open('web', 'pdf', 'Pat Document');
    const dt = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.items.add(new File(['%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'], 'report.pdf', { type: 'application/pdf' }));
      return d;
    });
    const composer = page.locator('form.composer');
    await composer.dispatchEvent('dragover', { dataTransfer: dt });
    await page.getByText('Drop the file to attach it').waitFor();
    await composer.dispatchEvent('drop', { dataTransfer: dt });
    const dialog = page.getByRole('dialog', { name: 'Send attachment' });
    await dialog.getByText('report.pdf').waitFor();
    await dialog.getByRole('button', { name: 'Send' }).click();
    await page.locator('.msg.out a', { hasText: 'report.pdf' }).waitFor();
    const gallery = page.getByRole('region', { name: 'Attachments' });
    await gallery.getByRole('tab', { name: 'Files (1)' }).click();
    await gallery.getByRole('link', { name: /report\.pdf/ }).waitFor();
  });

  it('says clearly when a file breaks the channel’s limits (WhatsApp images: 5 MB)', async () => {
    const page = await open('whatsapp', 'wa', 'Walt WhatsApp');
    const big = Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]);
    await page.getByLabel('Choose a file to attach').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: big });
    const dialog = page.getByRole('dialog', { name: 'Send attachment' });
    await dialog.getByRole('alert').filter({ hasText: 'Images sent on WhatsApp Business can be at most 5 MB; this one is 6 MB.' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('opens a thread with images at its newest message, the transfer note in view as a note card (issue 14, seen 5)', async () => {
    const martha = await signIn(t, await createUser(t, 'agent', 'Martha Image', [cast.queueId]));
    expect((await martha.api('PUT', '/api/v1/routing/me/status', { status: 'available' })).status).toBe(200);
    const id = await questionAssigned(cast, admin, 'web', 'tall', 'Tess Tall');
    const tall = greyPng(480, 900);
    for (const n of [1, 2, 3]) {
      const m = multipart(`screen-${n}.png`, 'image/png', tall);
      const up = await t.server.app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/attachments`, payload: m.payload, headers: { ...m.headers, cookie: `sb_session=${admin.cookie}`, 'x-csrf-token': admin.csrf } });
      expect(up.statusCode).toBe(201);
      expect((await admin.api('POST', `/api/v1/conversations/${id}/messages`, { body: `Screenshot ${n}`, attachments: [up.json()] })).status).toBe(201);
    }
    const note = 'She sent the screenshots; the refund is approved, please send the label';
    expect((await admin.api('POST', `/api/v1/conversations/${id}/transfer-to-agent`, { userId: martha.id, note })).status).toBe(200);

    // Images arrive after the thread has rendered, as on a real network.
    const page = await ui.open(martha, {
      path: `/conversations/${id}`,
      prepare: async (context) => {
        await context.route('**/*', async (route) => {
          if (route.request().resourceType() === 'image') await new Promise((r) => setTimeout(r, 700));
          await route.continue();
        });
      },
    });
    const history = page.getByRole('log', { name: 'Messages' });
    const card = history.getByRole('note', { name: 'Transfer note' });
    await card.getByText(note).waitFor();
    await card.getByText('Transferred to Martha Image by Ada Admin').waitFor();
    await expect.poll(() => history.locator('img').evaluateAll((imgs) => imgs.length === 3 && imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)), { timeout: 10_000 }).toBe(true);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // Still at the bottom, and the whole note card inside the visible part of the history.
    expect(await history.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(4);
    const box = (await history.boundingBox())!;
    const at = (await card.boundingBox())!;
    expect(at.y).toBeGreaterThanOrEqual(box.y);
    expect(at.y + at.height).toBeLessThanOrEqual(box.y + box.height + 1);
  });
});
