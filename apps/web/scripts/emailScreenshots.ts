/**
 * Screenshots of an email thread (issue 12 item 9): `npm run screenshots` takes them with the
 * others; `npx tsx apps/web/scripts/emailScreenshots.ts` takes only these. A real email goes
 * through the demo inbox's SMTP listener, the agent opens the original (sandboxed, remote images
 * blocked) and writes a reply.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import nodemailer from 'nodemailer';
import { createUser, signIn, type TestServer } from '../../../test/harness.ts';
import { emailDeps } from '../../server/src/channels/email/index.ts';
import { startSmtpListener } from '../../server/src/channels/email/smtpListener.ts';
import { DEMO_INBOX_ADDRESS } from '../../server/src/demo/seed.ts';
import { signedInContext, waitForLive, row } from '../test/browser.ts';

/** A photo for the mail: a small picture drawn by the browser itself. */
async function photo(browser: Browser): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: 240, height: 135 } });
  await page.setContent('<body style="margin:0;width:240px;height:135px;background:linear-gradient(160deg,#fde68a,#f59e0b 60%,#78350f);display:grid;place-items:center;font:600 18px system-ui;color:#451a03">cracked shade ⚡</body>');
  const png = await page.screenshot({ type: 'png' });
  await page.close();
  return png;
}

export async function emailScreenshots(t: TestServer, browser: Browser, out: string): Promise<void> {
  const smtp = await startSmtpListener(emailDeps(t.server.services), { port: 0, host: '127.0.0.1', maxBytes: 25 * 1024 * 1024 });
  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  try {
    await mailer.sendMail({
      from: 'Rose Tyler <rose@example.org>',
      to: DEMO_INBOX_ADDRESS,
      cc: 'Jackie Tyler <jackie@example.org>',
      subject: 'Order 4471 arrived damaged',
      text: 'Hello,\n\nmy order 4471 arrived today, but the lamp shade is cracked (photo attached). Could you send a replacement?\n\nThanks,\nRose\n\n-- \nRose Tyler · Powell Estate, London\n\nOn Mon, 30 Nov 2026, Acme Support <support@acme.localhost> wrote:\n> Your order 4471 has shipped.',
      html:
        '<p>Hello,</p><p>my order <b>4471</b> arrived today, but the lamp shade is <b>cracked</b> (photo below). Could you send a replacement?</p>' +
        '<p><img src="cid:shade@rose" alt="The cracked lamp shade" width="240" height="135"></p>' +
        '<p><img src="https://tracker.example.net/open.gif" alt="" width="1" height="1"></p>' +
        '<p>Thanks,<br>Rose</p><p style="color:#888">-- <br>Rose Tyler · Powell Estate, London</p>' +
        '<blockquote>On Mon, 30 Nov 2026, Acme Support wrote:<br>Your order 4471 has shipped.</blockquote>',
      attachments: [{ filename: 'shade.png', content: await photo(browser), cid: 'shade@rose' }],
    });
    const agent = await signIn(t, await createUser(t, 'admin', 'Donna Noble', [1]));
    for (const scheme of ['light', 'dark'] as const) {
      const context = await signedInContext(browser, t, agent, { colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(t.url);
      await waitForLive(page);
      await row(page, 'Rose Tyler').first().click();
      const message = page.getByRole('article', { name: 'Message from Rose Tyler' });
      await message.getByRole('button', { name: 'Show original email' }).click();
      await message.frameLocator('iframe[title="Original email"]').getByText('Could you send a replacement?').waitFor();
      await message.locator('.email-cc').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await page.getByLabel('Reply', { exact: true }).fill('Hello Rose, sorry about the shade. A replacement leaves our warehouse today; you do not need to send the broken one back.');
      await page.waitForTimeout(400);
      await page.screenshot({ path: path.join(out, `email${scheme === 'dark' ? '-dark' : ''}.png`) });
      await context.close();
    }
  } finally {
    mailer.close();
    await smtp.close();
  }
}

// Run on its own: a server with the demo data, these screenshots only.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { default: buildApps } = await import('../../../test/buildApps.ts');
  const { startTestServer } = await import('../../../test/harness.ts');
  const { seedDemo } = await import('../../server/src/demo/seed.ts');
  const { launchBrowser } = await import('../test/browser.ts');
  await buildApps();
  const t = await startTestServer({ listen: true });
  const browser = await launchBrowser();
  try {
    t.clock.set(Date.now());
    await seedDemo(t.server.services.store, t.clock);
    const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');
    await emailScreenshots(t, browser, out);
    console.log('email screenshots written');
  } finally {
    await browser.close();
    await t.close();
  }
}
