import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { PASSWORD, createUser, startTestServer, type TestServer } from '../../../test/harness.ts';
import { launchBrowser, watchForTrouble } from './browser.ts';

describe('sign-in page', () => {
  let t: TestServer;
  let browser: Browser;
  let user: { id: number; email: string };

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer({ listen: true }), launchBrowser()]);
    user = await createUser(t, 'agent', 'Mark Watney');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('says the password is wrong, then signs in with the right one and stays signed in after a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const trouble = watchForTrouble(page);
    await page.goto(t.url);

    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Wrong email or password' });
    await alert.waitFor();
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(await page.getByLabel('Email').inputValue()).toBe(user.email);

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.locator('.me-name').textContent()).toBe('Mark Watney');

    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(trouble.errors).toEqual([]);
    await context.close();
  });
});
