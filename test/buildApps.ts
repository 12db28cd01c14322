import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the browser tests drive, and what each build reads. */
const APPS = [
  { config: 'apps/web/vite.config.ts', output: 'apps/web/dist/index.html', sources: ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'packages/client/src', 'packages/protocol/src'] },
  { config: 'apps/widget/vite.config.ts', output: 'apps/widget/dist/loader.js', sources: ['apps/widget/src', 'apps/widget/frame.html', 'apps/widget/vite.config.ts', 'packages/protocol/src'] },
];

function newest(p: string): number {
  const abs = path.join(root, p);
  if (!fs.existsSync(abs)) return 0;
  const st = fs.statSync(abs);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of fs.readdirSync(abs)) t = Math.max(t, newest(path.join(p, e)));
  return t;
}

/**
 * Runs once per `vitest run`: builds the web app and the widget when their output is missing or
 * older than their sources, so the browser tests drive what `npm start` would serve.
 */
export default async function setup(): Promise<void> {
  for (const app of APPS) {
    const output = path.join(root, app.output);
    const built = fs.existsSync(output) ? fs.statSync(output).mtimeMs : 0;
    if (built && built >= Math.max(...app.sources.map(newest))) continue;
    const { build } = await import('vite');
    await build({ configFile: path.join(root, app.config), logLevel: 'warn' });
  }
}
