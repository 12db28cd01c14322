import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, Caller } from '../../../test/harness.ts';
import type { SmtpListener } from '../../server/src/channels/email/smtpListener.ts';
import { createEmailInbox, customerMailer, listen } from '../../server/test/email/helpers.ts';
import { startWorkspaceServer, workspaceBrowser } from './browser.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-web-email-'));
process.env.DATA_DIR = dataDir;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/**
 * Issue 12 items 3 and 5 in the browser: an email shows its new text, with copied addresses named
 * and no CC/BCC in the composer; its original HTML opens in a sandboxed frame where a script does
 * not run and a remote image is not fetched until the agent allows it — checked by a loopback
 * server that counts what the browser asks it for.
 */
describe('an email in the thread', () => {
  let t: TestServer;
  let admin: Caller;
  let smtp: SmtpListener;
  let mailer: ReturnType<typeof customerMailer>;
  let tracker: http.Server;
  let trackerUrl = '';
  const hits: string[] = [];
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    const cast = await startWorkspaceServer();
    ({ t, admin } = cast);
    await createEmailInbox(admin, cast.queueId);
    smtp = await listen(t);
    mailer = customerMailer(smtp.port);
    // The sender's server: an image that would tell them the mail was opened, and where a script would report.
    tracker = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      res.end(PNG);
    });
    await new Promise<void>((r) => tracker.listen(0, '127.0.0.1', r));
    const a = tracker.address();
    trackerUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    mailer?.close();
    await smtp?.close();
    await new Promise((r) => tracker?.close(r));
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the new text and who was copied; the original opens sandboxed, remote images only when allowed, scripts never', async () => {
    await mailer.sendMail({
      from: 'Carla Customer <carla@example.org>',
      to: 'support@acme.test',
      cc: 'Boss <boss@example.org>',
      subject: 'The lamp flickers',
      text: 'The lamp flickers since Monday.\n\n-- \nCarla\n\nOn Sun, Acme <support@acme.test> wrote:\n> Thanks for your order',
      html:
        `<p>The lamp <b>flickers</b> since Monday.</p><p><img src="cid:photo@carla" alt="photo of the lamp" width="20" height="20"></p>` +
        `<p><img src="${trackerUrl}/open.png" alt="tracker"></p><script>fetch('${trackerUrl}/script')</script>` +
        `<p>-- <br>Carla</p><blockquote>On Sun, Acme wrote: Thanks for your order</blockquote>`,
      attachments: [{ filename: 'lamp.png', content: PNG, cid: 'photo@carla' }],
    });
    const page = await ui.open(admin, '/');
    await page.locator('[data-conversation-id]', { hasText: 'Carla Customer' }).click();
    const message = page.getByRole('article', { name: 'Message from Carla Customer' });
    // The new text only: signature and quoted history are folded away.
    await message.locator('.msg-body').filter({ hasText: /^The lamp flickers since Monday\.$/ }).waitFor();
    await message.getByText('Cc: boss@example.org · not copied on replies').waitFor();
    // Seed 004: no CC/BCC when answering.
    await page.getByLabel('Reply', { exact: true }).waitFor();
    expect(await page.locator('form.composer').count()).toBe(1);
    expect(await page.locator('form.composer').getByText(/\b(cc|bcc)\b/i).count()).toBe(0);
    expect(await page.getByLabel(/^(cc|bcc)$/i).count()).toBe(0);

    await message.getByRole('button', { name: 'Show original email' }).click();
    const frameEl = message.locator('iframe[title="Original email"]');
    await frameEl.waitFor();
    expect(await frameEl.getAttribute('sandbox')).not.toContain('allow-scripts');
    const frame = message.frameLocator('iframe[title="Original email"]');
    await frame.getByText('since Monday.').waitFor();
    // The inline image is our stored copy and shows; the quoted history is there in the original.
    await expect.poll(() => frame.getByAltText('photo of the lamp').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await frame.getByText('Thanks for your order').waitFor();
    // Nothing reached the sender's server: no remote image, no script.
    await page.waitForTimeout(300);
    expect(hits).toEqual([]);

    // Even a script put into the frame's document does not run there.
    await frameEl.evaluate((f: HTMLIFrameElement) => {
      const s = f.contentDocument!.createElement('script');
      s.textContent = 'window.parent.document.title = "scripted"';
      f.contentDocument!.body.appendChild(s);
    });
    await page.waitForTimeout(100);
    expect(await page.title()).not.toBe('scripted');

    await message.getByText('Remote images are blocked').waitFor();
    await message.getByRole('button', { name: 'Show remote images' }).click();
    await expect.poll(() => hits.filter((h) => h === '/open.png').length).toBe(1);
    await expect.poll(() => frame.getByAltText('tracker').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    expect(hits).not.toContain('/script');
  });
});
