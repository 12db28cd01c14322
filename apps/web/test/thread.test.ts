import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { customerWrites, type Caller, type TestServer } from '../../../test/harness.ts';
import { newVisitor, openVisitorStream } from '../../server/test/widgetHelpers.ts';
import { startWorkspaceServer, workspaceBrowser } from './browser.ts';

/** The centre panel: typing both ways, quote replies, quick replies from a message, emoji (seeds 002 and 004). */
describe('the conversation thread', () => {
  let t: TestServer;
  let admin: Caller;
  let token: string;
  let queueId: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    ({ t, admin, token, queueId } = await startWorkspaceServer());
    expect((await admin.api('PUT', '/api/v1/settings/widget', { queueId })).status).toBe(200);
  });

  async function assigned(externalId: string, name: string, body: string): Promise<number> {
    const id = (await customerWrites(t, token, { externalId, name, body })).body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    return id;
  }

  const reply = (page: Page) => page.getByRole('textbox', { name: 'Reply', exact: true });
  const message = (page: Page, text: string) => page.getByRole('article').filter({ has: page.locator('.msg-body', { hasText: text }) });

  it('shows "… is typing" while the customer types, and tells the customer when the agent types a reply (never a note)', async () => {
    const v = await newVisitor(t, { name: 'Walter Skinner' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Hi there' })).body;
    expect((await admin.api('POST', `/api/v1/conversations/${chat.id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    const vs = await openVisitorStream(t, v.token);
    try {
      const page = await ui.open(admin, `/conversations/${chat.id}`);
      await message(page, 'Hi there').waitFor();
      const typing = page.getByRole('status').filter({ hasText: 'Walter Skinner is typing…' });
      expect(await typing.count()).toBe(0);

      // Typing, then stopping.
      vs.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id, typing: true }));
      await typing.waitFor();
      vs.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id, typing: false }));
      await typing.waitFor({ state: 'detached' });

      // Typing, then the message arrives: the line goes with it.
      await new Promise((r) => setTimeout(r, 1100)); // the gateway takes one "typing" a second per socket
      vs.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id, typing: true }));
      await typing.waitFor();
      expect((await v.api('POST', `/api/v1/widget/conversations/${chat.id}/messages`, { body: 'My order never came' })).status).toBe(201);
      await message(page, 'My order never came').waitFor();
      await typing.waitFor({ state: 'detached' });

      // The agent types a reply: the customer hears "typing", then "stopped" when it is sent.
      const agentTyping = (typingNow: boolean) => (f: any) => f.type === 'typing.updated' && f.data.who === 'agent' && f.data.typing === typingNow;
      await reply(page).pressSequentially('Let me check');
      const started = await vs.next(agentTyping(true));
      expect(started.data).toMatchObject({ conversationId: chat.id, name: 'Ada' });
      await reply(page).press('Enter');
      await vs.next(agentTyping(false));
      await vs.next((f) => f.type === 'message.created' && f.data.message.body === 'Let me check');

      // An internal note says nothing to the customer; the reply typed after it does.
      const before = vs.frames.length;
      await page.locator('label.toggle', { hasText: 'Internal note' }).click();
      await page.getByRole('textbox', { name: 'Internal note' }).pressSequentially('Customer sounds upset');
      await page.getByRole('button', { name: 'Add note' }).click();
      await message(page, 'Customer sounds upset').waitFor();
      await reply(page).pressSequentially('Found it');
      await vs.next((f) => vs.frames.indexOf(f) >= before && agentTyping(true)(f));
      const seen = vs.frames.slice(before).filter((f) => f.type === 'typing.updated' && f.data.who === 'agent');
      expect(seen.map((f) => f.data.typing)).toEqual([true]);
      expect(vs.frames.slice(before).some((f) => f.type === 'message.created' && f.data.message.body === 'Customer sounds upset')).toBe(false);

      // A lost "stopped typing" does not leave the line up for ever.
      await new Promise((r) => setTimeout(r, 1100));
      vs.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id, typing: true }));
      await typing.waitFor();
      await typing.waitFor({ state: 'detached', timeout: 9000 });
    } finally {
      vs.close();
    }
  });

  it('a chat the customer starts again from the widget after a resolve follows the old one: "Follows #N" opens it (issue 14, seen 3)', async () => {
    const v = await newVisitor(t, { name: 'Gibson Praise' });
    const first = (await v.api('POST', '/api/v1/widget/conversations', { message: 'The first question' })).body;
    expect((await admin.api('POST', `/api/v1/conversations/${first.id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    expect((await admin.api('POST', `/api/v1/conversations/${first.id}/resolve`, {})).status).toBe(200);
    const second = (await v.api('POST', '/api/v1/widget/conversations', { message: 'A second question' })).body;
    expect((await admin.api('POST', `/api/v1/conversations/${second.id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    const page = await ui.open(admin, `/conversations/${second.id}`);
    await message(page, 'A second question').waitFor();
    await page.getByRole('link', { name: `Open the previous conversation #${first.id}` }).click();
    await message(page, 'The first question').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/conversations/${first.id}`);
    await page.goBack();
    await message(page, 'A second question').waitFor();
  });

  it('replies quoting a message: stored with replyToId, shown quoted, the quote leads to the original; Esc drops a quote', async () => {
    const id = await assigned('amy', 'Amy Pond', 'Where is my parcel?');
    await customerWrites(t, token, { externalId: 'amy', name: 'Amy Pond', body: 'It was due Monday' });
    const page = await ui.open(admin, `/conversations/${id}`);
    const parcel = message(page, 'Where is my parcel?');
    await parcel.hover();
    await parcel.getByRole('button', { name: 'Reply with quote' }).click();
    const bar = page.getByRole('group', { name: 'Quoted message' });
    await bar.getByText('Replying to Amy Pond').waitFor();
    await bar.getByText('Where is my parcel?').waitFor();
    // The caret is in the reply already.
    await page.keyboard.type('It ships tomorrow');
    await page.keyboard.press('Enter');
    await bar.waitFor({ state: 'detached' });

    const answer = message(page, 'It ships tomorrow');
    await answer.locator('.msg-quote', { hasText: 'Where is my parcel?' }).waitFor();
    const stored = (await admin.api('GET', `/api/v1/conversations/${id}/messages`)).body.items;
    const quoted = stored.find((m: any) => m.body === 'Where is my parcel?');
    expect(stored.find((m: any) => m.body === 'It ships tomorrow').replyToId).toBe(quoted.id);

    await answer.getByRole('button', { name: /Quoting Amy Pond/ }).click();
    await expect.poll(() => parcel.evaluate((el) => el === document.activeElement)).toBe(true);

    // Esc removes a quote and leaves the conversation open.
    const due = message(page, 'It was due Monday');
    await due.hover();
    await due.getByRole('button', { name: 'Reply with quote' }).click();
    await bar.waitFor();
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    await reply(page).waitFor();
    // And the × does too.
    await due.hover();
    await due.getByRole('button', { name: 'Reply with quote' }).click();
    await bar.getByRole('button', { name: 'Remove quote' }).click();
    await bar.waitFor({ state: 'detached' });
  });

  it('shows the quote of a message older than the loaded page', async () => {
    let id = 0;
    for (let i = 1; i <= 51; i++) id = (await customerWrites(t, token, { externalId: 'rory', name: 'Rory Williams', body: `Question ${i}` })).body.conversationId;
    await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id });
    const first = (await admin.api('GET', `/api/v1/conversations/${id}/messages?limit=200`)).body.items.find((m: any) => m.body === 'Question 1');
    expect((await admin.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'About your first question', replyToId: first.id })).status).toBe(201);
    const page = await ui.open(admin, `/conversations/${id}`);
    const answer = message(page, 'About your first question');
    await answer.locator('.msg-quote', { hasText: /Rory Williams\s*Question 1$/ }).waitFor();
    expect(await page.locator('.msg-body', { hasText: /^Question 1$/ }).count()).toBe(0);
  });

  it('makes a quick reply from a message, then finds it with / in the reply', async () => {
    const id = await assigned('clara', 'Clara Oswald', 'Can I get a refund?');
    expect((await admin.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Your refund is on its way: 3 to 5 working days.' })).status).toBe(201);
    const page = await ui.open(admin, `/conversations/${id}`);
    const sent = message(page, 'Your refund is on its way');
    await sent.hover();
    await sent.getByRole('button', { name: 'Make a quick reply' }).click();
    const dialog = page.getByRole('dialog', { name: 'Make a quick reply' });
    expect(await dialog.getByLabel('Text').inputValue()).toBe('Your refund is on its way: 3 to 5 working days.');
    expect(await dialog.getByLabel('Title').inputValue()).toBe('Your refund is on its way:');
    await dialog.getByLabel('Title').fill('Refund timing');
    await dialog.getByRole('button', { name: 'Save quick reply' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Quick reply saved' }).waitFor();
    const canned = (await admin.api('GET', '/api/v1/canned-messages')).body.items;
    expect(canned).toContainEqual(expect.objectContaining({ title: 'Refund timing', body: 'Your refund is on its way: 3 to 5 working days.' }));

    await reply(page).click();
    await page.keyboard.press('/');
    await page.getByRole('combobox', { name: 'Search canned messages' }).fill('refund timing');
    await page.getByRole('option', { name: /Refund timing/ }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => reply(page).inputValue()).toBe('Your refund is on its way: 3 to 5 working days.');
  });

  it('inserts an emoji at the caret from the emoji grid, by mouse or keyboard', async () => {
    const id = await assigned('donna', 'Donna Noble', 'Thanks a lot');
    const page = await ui.open(admin, `/conversations/${id}`);
    const box = reply(page);
    await box.fill('Hello there');
    await box.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(5, 5));
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    const grid = page.getByRole('group', { name: 'Emoji' });
    expect(await grid.getByRole('button').count()).toBeGreaterThanOrEqual(40);
    await grid.getByRole('button', { name: 'waving hand' }).click();
    await grid.waitFor({ state: 'detached' });
    await expect.poll(() => box.inputValue()).toBe('Hello👋 there');
    // The caret follows the emoji, back in the reply: typing goes on after it.
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('!');
    expect(await box.inputValue()).toBe('Hello👋! there');

    // Keyboard: the first emoji has focus, arrows move, Enter inserts; Esc closes without inserting.
    await box.press('End');
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('grinning face');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('Hello👋! there😴');
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    await grid.waitFor();
    await page.keyboard.press('Escape');
    await grid.waitFor({ state: 'detached' });
    expect(await box.inputValue()).toBe('Hello👋! there😴');
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    // Still in the conversation (Esc closed the grid only).
    await page.getByRole('region', { name: 'Conversation with Donna Noble' }).waitFor();
  });
});
