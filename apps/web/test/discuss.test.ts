import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { runDueTimers } from '../../server/src/jobs/worker.ts';
import { row, workspaceBrowser } from './browser.ts';

/**
 * Seed 000 in two browsers: Mark asks Martha to discuss a customer's conversation; she is told at
 * once, accepts, they talk, she watches the customer without any way to answer them, Mark ends it,
 * and the tracking record shows every step with its time. Then reject, withdraw and time out.
 */
// Each test drives two or three browser pages through a whole request: more than the default 30 s
// on a busy machine, so these get 90 s.
vi.setConfig({ testTimeout: 90_000 });

describe('assign and discuss requests, two agents in two browsers (seed 000)', () => {
  let t: TestServer;
  let admin: Caller;
  let mark: Caller;
  let martha: Caller;
  let token: string;
  let sales: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    sales = await createQueue(t, 'Sales');
    const a = await createUser(t, 'admin', 'Ada Admin', [sales]);
    admin = await signIn(t, a);
    token = await tokenFor(t, a.id);
    mark = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [sales]));
    martha = await signIn(t, await createUser(t, 'agent', 'Martha Lee', [sales]));
    await martha.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function smith(externalId: string, name = 'Smith'): Promise<number> {
    const r = await customerWrites(t, token, { externalId, name, body: 'Does the X200 fit my car?', queueId: sales });
    const id = r.body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: mark.id })).status).toBe(200);
    return id;
  }

  /** Mark opens the conversation and sends a discuss request to Martha through the one dialog. */
  async function requestDiscuss(page: Page, type: 'Discuss' | 'Assign' = 'Discuss') {
    await page.getByRole('toolbar', { name: 'Conversation actions' }).getByRole('button', { name: 'Assign/Discuss' }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign or discuss' });
    await dialog.getByRole('radiogroup', { name: 'Request' }).getByText(type, { exact: true }).click();
    await dialog.getByLabel('Assign To').selectOption({ label: 'User' });
    await dialog.getByRole('radio', { name: /^Martha Lee, Available, 0 of 5/ }).check();
    await dialog.getByRole('button', { name: type }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('Mark requests, Martha accepts, they chat, she watches without a composer, Mark ends it as resolved', async () => {
    const id = await smith('smith-1');
    const markPage = await ui.open(mark, `/conversations/${id}`);
    const marthaPage = await ui.open(martha);
    await markPage.locator('.thread-title h1', { hasText: 'Smith' }).waitFor();

    await requestDiscuss(markPage);
    await markPage.locator('.discuss-card.outgoing', { hasText: 'Discuss request to Martha Lee' }).waitFor();

    // Martha is told at once: the card, the notification centre.
    const card = marthaPage.getByRole('alert', { name: 'Mark Watney has requested to discuss with you.' });
    await card.waitFor();
    await marthaPage.getByRole('button', { name: /Notifications, 1 new/ }).click();
    await marthaPage.getByRole('region', { name: 'Notification centre' }).getByText('Mark Watney has requested to discuss with you.').waitFor();
    await marthaPage.keyboard.press('Escape');
    await card.getByRole('button', { name: 'Accept' }).click();

    // The discussion panel opens on both sides, and she sees the conversation.
    const herPanel = marthaPage.getByRole('region', { name: 'Discussion with Mark Watney' });
    const hisPanel = markPage.getByRole('region', { name: 'Discussion with Martha Lee' });
    await herPanel.waitFor();
    await hisPanel.waitFor();
    await marthaPage.locator('.thread-title h1', { hasText: 'Smith' }).waitFor();
    await marthaPage.getByText('Does the X200 fit my car?').first().waitFor();

    // They chat privately, with "is typing".
    await herPanel.getByLabel('Message Mark Watney').fill('Which year is the car?');
    await hisPanel.getByText('Martha Lee is typing…').waitFor();
    await herPanel.getByLabel('Message Mark Watney').press('Enter');
    await hisPanel.getByText('Which year is the car?').waitFor();
    await hisPanel.getByLabel('Message Martha Lee').fill('2019 — does it fit?');
    await hisPanel.getByRole('button', { name: 'Send' }).click();
    await herPanel.getByText('2019 — does it fit?').waitFor();

    // A new customer message arrives live for her; she has no composer and no customer-facing control.
    await customerWrites(t, token, { externalId: 'smith-1', name: 'Smith', body: 'It is a 2019 model', queueId: sales });
    await marthaPage.getByText('It is a 2019 model').first().waitFor();
    await marthaPage.getByRole('note').filter({ hasText: 'You are consulting with Mark Watney' }).waitFor();
    const toolbar = marthaPage.getByRole('toolbar', { name: 'Conversation actions' });
    await toolbar.getByText('Consulting for Mark Watney').waitFor();
    for (const control of ['Resolve', 'Close', 'End chat', 'Transfer', 'Reassign', 'Assign/Discuss']) expect(await toolbar.getByRole('button', { name: control, exact: true }).count()).toBe(0);
    expect(await marthaPage.locator('.composer').count()).toBe(0);
    expect(await marthaPage.getByRole('button', { name: /emoji/i }).count()).toBe(0);

    // Mark ends it: "Was the issue resolved?" — yes.
    await hisPanel.getByRole('button', { name: 'End Discussion' }).click();
    const end = markPage.getByRole('dialog', { name: 'End discussion' });
    await end.getByText('Was the issue resolved?').waitFor();
    await end.getByRole('button', { name: 'Yes' }).click();
    await hisPanel.waitFor({ state: 'detached' });
    await herPanel.waitFor({ state: 'detached' });
    // She loses sight of the conversation.
    await marthaPage.locator('.thread-title h1', { hasText: 'Smith' }).waitFor({ state: 'detached' });

    // The tracking record shows every step with its time; one system line per step in the thread.
    const tracking = markPage.getByRole('region', { name: 'Tracking' });
    const record = tracking.locator('.tracking-record').first();
    await record.getByText('Ended', { exact: true }).waitFor();
    const steps = await record.locator('.tracking-steps li').allTextContents();
    expect(steps).toHaveLength(3);
    expect(steps[0]).toMatch(/Requested by Mark Watney/);
    expect(steps[1]).toMatch(/Accepted by Martha Lee/);
    expect(steps[2]).toMatch(/Ended by Mark Watney/);
    for (const s of steps) expect(s).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    await record.getByText('Resolved', { exact: true }).waitFor();
    for (const line of ['Mark Watney requested to discuss with Martha Lee', 'Martha Lee accepted the discuss request', 'Mark Watney ended the discussion with Martha Lee (issue resolved: yes)']) {
      await markPage.locator('.msg-system', { hasText: line }).waitFor();
    }
  });

  it('Martha clicks Leave in the Discussion Panel: it ends at once for both, and the record shows Left with its time', async () => {
    const id = await smith('smith-leave', 'Smithy Leave');
    const markPage = await ui.open(mark, `/conversations/${id}`);
    const marthaPage = await ui.open(martha);
    await requestDiscuss(markPage);
    const card = marthaPage.getByRole('alert', { name: 'Mark Watney has requested to discuss with you.' }).filter({ hasText: 'Smithy Leave' });
    await card.getByRole('button', { name: 'Accept' }).click();
    const herPanel = marthaPage.getByRole('region', { name: 'Discussion with Mark Watney' });
    const hisPanel = markPage.getByRole('region', { name: 'Discussion with Martha Lee' });
    await herPanel.waitFor();
    await hisPanel.waitFor();
    // The consultant has Leave, not End Discussion (that is the initiator's, with its question).
    expect(await herPanel.getByRole('button', { name: 'End Discussion' }).count()).toBe(0);

    await herPanel.getByRole('button', { name: 'Leave', exact: true }).click();
    // No question asked: both panels close, she loses the conversation, he is told.
    await herPanel.waitFor({ state: 'detached' });
    await hisPanel.waitFor({ state: 'detached' });
    await marthaPage.locator('.thread-title h1', { hasText: 'Smithy Leave' }).waitFor({ state: 'detached' });
    await markPage.getByText('Martha Lee left the discussion.').first().waitFor();

    const record = markPage.getByRole('region', { name: 'Tracking' }).locator('.tracking-record').first();
    await record.locator('.status-pill', { hasText: 'Left' }).waitFor();
    const steps = await record.locator('.tracking-steps li').allTextContents();
    expect(steps).toHaveLength(3);
    expect(steps[2]).toMatch(/^.*\d{1,2}:\d{2}:\d{2}.* Left by Martha Lee$/);
    expect(await record.locator('.tracking-steps li time').nth(2).getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await record.getByText('Resolved', { exact: true }).count()).toBe(0);
    await markPage.locator('.msg-system', { hasText: 'Martha Lee left the discussion' }).waitFor();
    const stored = (await mark.api('GET', `/api/v1/conversations/${id}/requests`)).body;
    expect(stored.items[0]).toMatchObject({ status: 'left', endCause: 'left_by_consultant', endedAt: expect.any(Number) });
  });

  it('Martha rejects with a reason from the pop-up; every workspace of hers drops the card; Mark is told and the record keeps it', async () => {
    const id = await smith('smith-2', 'Smithy Two');
    const markPage = await ui.open(mark, `/conversations/${id}`);
    const marthaPage = await ui.open(martha);
    const marthaElsewhere = await ui.open(martha);
    await requestDiscuss(markPage);
    const card = marthaPage.getByRole('alert', { name: 'Mark Watney has requested to discuss with you.' }).filter({ hasText: 'Smithy Two' });
    const otherCard = marthaElsewhere.getByRole('alert', { name: 'Mark Watney has requested to discuss with you.' }).filter({ hasText: 'Smithy Two' });
    await otherCard.waitFor();
    await card.getByRole('button', { name: 'Reject' }).click();
    const dialog = marthaPage.getByRole('dialog', { name: 'Reject the discuss request' });
    expect(await dialog.getByRole('button', { name: 'Reject' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Busy with another case' }).click();
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await card.waitFor({ state: 'detached' });
    await otherCard.waitFor({ state: 'detached' });
    await markPage.getByText('Martha Lee rejected your discuss request: Busy with another case').first().waitFor();
    const record = markPage.getByRole('region', { name: 'Tracking' }).locator('.tracking-record').first();
    await record.getByText('Rejected', { exact: true }).waitFor();
    await record.getByText('Busy with another case').first().waitFor();
  });

  it('Mark withdraws with a reason; Martha’s card goes away', async () => {
    const id = await smith('smith-3', 'Smithy Three');
    const markPage = await ui.open(mark, `/conversations/${id}`);
    const marthaPage = await ui.open(martha);
    await requestDiscuss(markPage);
    const card = marthaPage.getByRole('alert', { name: 'Mark Watney has requested to discuss with you.' }).filter({ hasText: 'Smithy Three' });
    await card.waitFor();
    await markPage.locator('.discuss-card.outgoing').getByRole('button', { name: 'Withdraw' }).click();
    const dialog = markPage.getByRole('dialog', { name: 'Withdraw the discuss request' });
    await dialog.getByLabel('Reason', { exact: true }).fill('Issue resolved');
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    await card.waitFor({ state: 'detached' });
    await marthaPage.getByText('Mark Watney withdrew the discuss request: Issue resolved').first().waitFor();
    const record = markPage.getByRole('region', { name: 'Tracking' }).locator('.tracking-record').first();
    await record.getByText('Withdrawn', { exact: true }).waitFor();
    await record.getByText(/Withdrawn by Mark Watney: Issue resolved/).waitFor();
  });

  it('a request nobody answers times out for both, on the server’s clock', async () => {
    const id = await smith('smith-4', 'Smithy Four');
    const markPage = await ui.open(mark, `/conversations/${id}`);
    const marthaPage = await ui.open(martha);
    await requestDiscuss(markPage);
    const card = marthaPage.getByRole('alert', { name: 'Mark Watney has requested to discuss with you.' }).filter({ hasText: 'Smithy Four' });
    await card.waitFor();
    t.clock.advance(120_000);
    expect(await runDueTimers(t.server.services.actions)).toBeGreaterThanOrEqual(1);
    await card.waitFor({ state: 'detached' });
    await markPage.getByText('Your discuss request to Martha Lee timed out.').first().waitFor();
    await markPage.getByRole('region', { name: 'Tracking' }).locator('.tracking-record').first().getByText('Timed Out', { exact: true }).waitFor();
    await markPage.locator('.msg-system', { hasText: 'The discuss request to Martha Lee timed out' }).waitFor();
  });

  it('an assign request accepted moves the conversation to Martha; the supervisors’ list shows it and exports CSV', async () => {
    const id = await smith('smith-5', 'Smithy Five');
    const markPage = await ui.open(mark, `/conversations/${id}`);
    const marthaPage = await ui.open(martha);
    await requestDiscuss(markPage, 'Assign');
    const card = marthaPage.getByRole('alert', { name: 'Mark Watney has requested to assign you a conversation.' });
    await card.getByRole('button', { name: 'Accept' }).click();
    await marthaPage.locator('.thread-sub', { hasText: 'Assigned to Martha Lee' }).waitFor();
    await row(marthaPage, 'Smithy Five').waitFor();
    // Mark loses sight of it, as after a reassignment.
    await markPage.locator('.thread-title h1', { hasText: 'Smithy Five' }).waitFor({ state: 'detached' });

    const adminPage = await ui.open(admin, '/admin');
    await adminPage.getByRole('tab', { name: 'Tracking records' }).click();
    const list = adminPage.locator('.tracking-list');
    await list.locator('tr', { hasText: 'Smithy Five' }).getByText('Accepted').waitFor();
    await list.getByLabel('Type').selectOption('discuss');
    await list.locator('tr', { hasText: 'Smithy Five' }).waitFor({ state: 'detached' });
    expect(await list.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toContain('type=discuss');
    await adminPage.getByRole('tab', { name: 'Assign/Discuss settings' }).click();
    await adminPage.getByLabel('Discuss request timeout duration').fill('90');
    await adminPage.getByRole('button', { name: 'Save' }).click();
    await adminPage.getByText('Assign/Discuss settings saved.').waitFor();
    expect((await admin.api('GET', '/api/v1/settings/requests')).body.discussTimeoutMs).toBe(90_000);
  });
});
