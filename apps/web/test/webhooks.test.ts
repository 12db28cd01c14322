import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { startReceiver, type Receiver } from '../../server/test/webhookReceiver.ts';
import { workspaceBrowser } from './browser.ts';

/** Issue 16 item 1: Admin → Integrations → Webhooks, against a loopback receiver (private targets allowed for it). */
describe('webhooks in the administration', () => {
  let t: TestServer;
  let rx: Receiver;
  let admin: Caller;
  let token: string;
  let queueId: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true, config: { webhooksAllowPrivate: true } });
    rx = await startReceiver();
    queueId = await createQueue(t, 'Support');
    const u = await createUser(t, 'admin', 'Ada Admin', [queueId]);
    admin = await signIn(t, u);
    token = await tokenFor(t, u.id);
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  it('an administrator adds a webhook, copies its secret once, sees a delivery in the log and redelivers it', async () => {
    const page = await ui.open(admin, '/');
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByRole('tab', { name: 'Integrations' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    await page.getByRole('button', { name: 'Add a webhook' }).click();
    const form = page.getByRole('form', { name: 'Add a webhook' });
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await form.getByRole('alert').filter({ hasText: 'Enter the URL to send to' }).waitFor();
    await form.getByLabel('URL').fill(rx.url);
    await form.getByLabel('Conversation created').uncheck();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secret = (await page.getByLabel('Signing secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    rx.setSecret(secret);
    const table = page.getByRole('table', { name: 'Webhooks' });
    await table.getByRole('cell', { name: rx.url }).waitFor();
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByLabel('Signing secret').count()).toBe(0);

    const [w] = (await admin.api('GET', '/api/v1/admin/webhooks')).body.items;
    expect(w).toMatchObject({ url: rx.url, events: ['message_created'], includeInternal: false, enabled: true });
    expect((await customerWrites(t, token, { externalId: 'web-1', body: 'Hello from the web test', queueId })).status).toBe(201);
    await t.server.services.dispatcher.flush();
    await t.server.services.outbox.runOnce(`webhook:${w.id}`);
    expect(rx.all.map((r) => [r.type, r.verified])).toEqual([['message_created', true]]);

    await table.getByRole('button', { name: 'Deliveries' }).click();
    const log = page.getByRole('table', { name: 'Webhook deliveries' });
    await log.getByRole('cell', { name: 'Delivered' }).waitFor();
    await log.getByRole('cell', { name: '200', exact: true }).waitFor();
    await log.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByText(/is being sent again/).waitFor();
    await log.getByRole('cell', { name: 'Sending' }).waitFor();
    await t.server.services.dispatcher.flush();
    await t.server.services.outbox.runOnce(`webhook:${w.id}`);
    expect(rx.all).toHaveLength(2);
    expect(rx.all[1]!.id).toBe(rx.all[0]!.id);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await log.getByRole('cell', { name: 'Delivered' }).waitFor();

    await table.getByRole('button', { name: 'Turn off' }).click();
    await table.getByRole('cell', { name: 'Off' }).waitFor();
    expect((await admin.api('GET', `/api/v1/admin/webhooks/${w.id}`)).body.enabled).toBe(false);
  });
});
