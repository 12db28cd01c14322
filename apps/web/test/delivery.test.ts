import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { WEB_DIST } from '../../server/src/http/app.ts';
import { WIDGET_DIST } from '../../server/src/http/customerSide.ts';
import { createQueue, createUser, signIn, startTestServer, type TestServer } from '../../../test/harness.ts';
import { workspaceBrowser } from './browser.ts';

/**
 * Issue 14, Build 4: the built web app and widget go out compressed (the brotli or gzip copy the build
 * wrote), hashed files are cached for a year, pages are revalidated, no source map is public, and an
 * agent's first screen loads under 150 KB of compressed JavaScript.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listen: true });
});
afterAll(async () => t.close());

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET that leaves the body as it came over the wire (fetch would decompress it). */
function get(pathname: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.get(t.url + pathname, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

const decoded = (r: Raw) => (r.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body);

/** Every file under `dir`, relative to it. */
function filesOf(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

const webEntry = () => '/' + /src="\/(assets\/index-[^"]+\.js)"/.exec(fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8'))![1];
const widgetScript = () => '/widget/' + /src="\/widget\/(assets\/[^"]+\.js)"/.exec(fs.readFileSync(path.join(WIDGET_DIST, 'frame.html'), 'utf8'))![1];

describe('delivery of the built apps', () => {
  it('sends the page and the hashed script as brotli or gzip by Accept-Encoding, and plain to a client that takes neither', async () => {
    const entry = webEntry();
    const plain = fs.readFileSync(path.join(WEB_DIST, entry));
    const br = await get(entry, 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(plain.length / 3);
    expect(decoded(br).equals(plain)).toBe(true);

    const gz = await get(entry, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decoded(gz).equals(plain)).toBe(true);

    const none = await get(entry);
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.body.equals(plain)).toBe(true);

    const page = await get('/', 'br');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(decoded(page).toString()).toContain('<div id="root">');
  });

  it('caches hashed files for a year as immutable and makes every page revalidate', async () => {
    expect((await get(webEntry(), 'br')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get(webEntry())).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get(widgetScript(), 'br')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/index.html', '/conversations/12', '/widget/frame.html']) {
      const r = await get(page, 'br');
      expect(r.status, page).toBe(200);
      expect(r.headers['cache-control'], page).toBe('no-cache');
    }
    // The loader keeps its fixed, unhashed name (sites embed it), so caches keep it only briefly.
    const loader = await get('/widget.js', 'gzip, deflate, br');
    expect(loader.headers['cache-control']).toBe('public, max-age=300');
    expect(loader.headers['content-encoding']).toBe('br');
    expect(decoded(loader).equals(fs.readFileSync(path.join(WIDGET_DIST, 'loader.js')))).toBe(true);
    expect((await get('/widget.js', 'gzip')).headers['content-encoding']).toBe('gzip');
    expect((await get('/widget.js')).headers['content-encoding']).toBeUndefined();
  });

  it('publishes no source map: none is built, no script names one, and asking for one is a 404', async () => {
    for (const dist of [WEB_DIST, WIDGET_DIST]) {
      const files = filesOf(dist);
      expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
      for (const f of files.filter((f) => f.endsWith('.js'))) expect(fs.readFileSync(path.join(dist, f), 'utf8'), f).not.toContain('sourceMappingURL');
    }
    expect((await get(`${webEntry()}.map`)).status).toBe(404);
    expect((await get(`${widgetScript()}.map`)).status).toBe(404);
  });
});

describe("an agent's first screen", () => {
  const web = workspaceBrowser(() => t);

  it('loads under 150 KB of compressed JavaScript, every script compressed; Admin and Reports come later', async () => {
    const queueId = await createQueue(t, 'Support');
    const agent = await signIn(t, await createUser(t, 'agent', 'Amy Agent', [queueId]));
    const scripts: { url: string; encoding?: string; bytes: number }[] = [];
    const page = await web.open(agent, {
      noWait: true,
      prepare: async (context) => {
        context.on('response', (res) => {
          if (!res.url().endsWith('.js')) return;
          const h = res.headers();
          scripts.push({ url: res.url(), encoding: h['content-encoding'], bytes: Number(h['content-length']) });
        });
      },
    });
    await page.locator('.conn-live').waitFor({ timeout: 10_000 });
    await page.waitForLoadState('networkidle');
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(['br', 'gzip'], s.url).toContain(s.encoding);
    const total = scripts.reduce((n, s) => n + s.bytes, 0);
    expect(total).toBeLessThan(150_000);
    // The same scripts as gzip, the larger of the two, for a browser that takes no brotli.
    const gzipped = scripts.reduce((n, s) => n + fs.statSync(path.join(WEB_DIST, `${new URL(s.url).pathname}.gz`)).size, 0);
    expect(gzipped).toBeLessThan(150_000);
    expect(scripts.map((s) => s.url).filter((u) => /\/(Admin|ReportsScreen|uPlot)/.test(u))).toEqual([]);
  });
});
