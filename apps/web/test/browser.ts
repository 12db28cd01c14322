import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../../test/chromium.ts';
import { bearer, createQueue, createUser, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';

/** One headless Chromium per test file: `test/chromium.ts` says which one (CHROMIUM_PATH, else a system
 * Chromium, else the one @sparticuz/chromium ships in its npm tarball, so a fresh machine needs none). */
export { launchBrowser };

/** A browser context already signed in as `caller` (the session cookie the login route set). */
export async function signedInContext(browser: Browser, t: TestServer, caller: Caller, opts: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 720 }, colorScheme: opts.colorScheme ?? 'light' });
  await context.addCookies([{ name: 'sb_session', value: caller.cookie, url: t.url, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

/** Collects page errors and alert() calls, which no test should ever see. */
export function watchForTrouble(page: Page): { errors: string[]; dialogs: string[] } {
  const seen = { errors: [] as string[], dialogs: [] as string[] };
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  return seen;
}

/** The workspace is loaded and its stream is live (so later events arrive without reload). */
export async function waitForLive(page: Page): Promise<void> {
  await page.locator('.conn-live').waitFor({ timeout: 10_000 });
}

export function row(page: Page, name: string) {
  return page.locator('[data-conversation-id]', { hasText: name });
}

/** The cast most browser test files start with. */
export interface WorkspaceCast {
  t: TestServer;
  /** Ada Admin, in the Support queue, signed in. */
  admin: Caller;
  /** Ada Admin's API token (customers write through the inbound API with it). */
  token: string;
  /** The Support queue. */
  queueId: number;
}

/** A listening test server with the Support queue and Ada Admin in it, signed in, with an API token. */
export async function startWorkspaceServer(): Promise<WorkspaceCast> {
  const t = await startTestServer({ listen: true });
  const queueId = await createQueue(t, 'Support');
  const user = await createUser(t, 'admin', 'Ada Admin', [queueId]);
  const admin = await signIn(t, user);
  const token = await tokenFor(t, user.id);
  return { t, admin, token, queueId };
}

/** A customer on `channel` writes "Here is my question" to the Support queue; the administrator assigns it to `to`. */
export async function questionAssigned(cast: WorkspaceCast, to: Caller, channel: string, externalId: string, name: string): Promise<number> {
  const { t, admin, token, queueId } = cast;
  const res = await bearer(t, token, 'POST', '/api/v1/inbound/messages', { channel, externalId, contact: { name }, body: 'Here is my question', queueId });
  const id = res.body.conversationId as number;
  expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: to.id })).status).toBe(200);
  return id;
}

export interface OpenOptions {
  path?: string;
  colorScheme?: 'light' | 'dark';
  /** Runs on the fresh context before the page opens (permissions, init scripts). */
  prepare?: (context: BrowserContext) => Promise<void>;
  /** Skip waiting for the live stream (pages that are not the workspace). */
  noWait?: boolean;
  /** The window's size (1280×720 unless said). */
  viewport?: { width: number; height: number };
}

/**
 * The shared setup of every browser test file: one Chromium for the file, pages signed in as
 * anyone, and after each test the check that no page threw or raised a dialog, then cleanup.
 * Call it inside `describe`; pass a getter for the test server, which the file starts itself.
 */
export function workspaceBrowser(server: () => TestServer) {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const troubles = new Map<Page, { errors: string[]; dialogs: string[] }>();
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    const seen = [...troubles.values()];
    troubles.clear();
    try {
      for (const tr of seen) {
        expect(tr.errors).toEqual([]);
        expect(tr.dialogs).toEqual([]);
      }
    } finally {
      while (contexts.length) await contexts.pop()!.close();
    }
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error('browser not launched yet');
      return browser;
    },
    /**
     * A new signed-in page at `path`, waiting until its stream is live. With `null` for the caller
     * the page is signed out (the sign-in form), and nothing waits for a stream.
     */
    async open(caller: Caller | null, opts: OpenOptions | string = {}): Promise<Page> {
      const o = typeof opts === 'string' ? { path: opts } : opts;
      const t = server();
      const context = caller
        ? await signedInContext(this.browser, t, caller, { colorScheme: o.colorScheme, viewport: o.viewport })
        : await this.browser.newContext({ viewport: o.viewport ?? { width: 1280, height: 720 }, colorScheme: o.colorScheme ?? 'light' });
      contexts.push(context);
      if (o.prepare) await o.prepare(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      troubles.set(page, watchForTrouble(page));
      await page.goto(t.url + (o.path ?? '/'));
      if (caller && !o.noWait) await waitForLive(page);
      return page;
    },
    /** What a page has thrown or alerted so far (checked after each test anyway). */
    trouble(page: Page): { errors: string[]; dialogs: string[] } {
      const seen = troubles.get(page);
      if (!seen) throw new Error('not a page of this fixture');
      return seen;
    },
  };
}
