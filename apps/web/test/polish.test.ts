import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, customerWrites, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { row, startWorkspaceServer, workspaceBrowser } from './browser.ts';

/** Issue 14, seen 10: the smaller things a team trips over. */
describe('workspace polish', () => {
  let t: TestServer;
  let token: string;
  let agent: Caller;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    let queueId: number;
    ({ t, token, queueId } = await startWorkspaceServer());
    agent = await signIn(t, await createUser(t, 'agent', 'Alma Agent', [queueId]));
    await customerWrites(t, token, { externalId: 'polish-1', name: 'Paula Polish', body: 'Still waiting' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('loads the sign-in page without an error in the console (no 401 for "who am I")', async () => {
    const page = await ui.open(null, { prepare: async () => {} });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
  });

  it('keeps the avatar on row hover for someone who cannot select rows', async () => {
    const page = await ui.open(agent);
    await page.getByRole('tab', { name: 'Queued' }).click();
    const r = row(page, 'Paula Polish');
    await r.hover();
    expect(await r.locator('.avatar').first().evaluate((el) => getComputedStyle(el).visibility)).toBe('visible');
  });

  it('reads the Queued pill at 4.5:1 or more in dark mode', async () => {
    const page = await ui.open(agent, { colorScheme: 'dark' });
    await page.getByRole('tab', { name: 'Queued' }).click();
    const pill = row(page, 'Paula Polish').locator('.status-queued');
    const ratio = await pill.evaluate((el) => {
      // Colours as the browser resolves them (color-mix gives `color(srgb …)`), the pill's own
      // background laid over the first opaque one behind it.
      const probe = document.createElement('canvas').getContext('2d')!;
      const rgba = (css: string): number[] => {
        probe.clearRect(0, 0, 1, 1);
        probe.fillStyle = '#000';
        probe.fillStyle = css;
        probe.fillRect(0, 0, 1, 1);
        const d = probe.getImageData(0, 0, 1, 1).data;
        return [d[0]!, d[1]!, d[2]!, d[3]! / 255];
      };
      let back = [255, 255, 255];
      const layers: number[][] = [];
      for (let n: Element | null = el; n; n = n.parentElement) {
        const c = rgba(getComputedStyle(n).backgroundColor);
        if (c[3]! > 0) layers.push(c);
        if (c[3] === 1) break;
      }
      for (const c of layers.reverse()) back = back.map((v, i) => v * (1 - c[3]!) + c[i]! * c[3]!);
      const fg = rgba(getComputedStyle(el).color);
      const lum = (c: number[]) => {
        const [r, g, b] = c.slice(0, 3).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
      return (a! + 0.05) / (b! + 0.05);
    });
    expect(ratio).toBeGreaterThanOrEqual(4.5);
  });
});
