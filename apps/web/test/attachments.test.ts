import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Caller, TestServer } from '../../../test/harness.ts';
import { questionAssigned, startWorkspaceServer, workspaceBrowser, type WorkspaceCast } from './browser.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-web-attach-'));
process.env.DATA_DIR = dataDir;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

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
});
