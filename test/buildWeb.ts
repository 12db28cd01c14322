import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'apps/web/dist/index.html');
const sources = ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'packages/client/src', 'packages/protocol/src'];

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
 * Runs once per `vitest run`: builds the web app when apps/web/dist is missing or older than its
 * sources, so the browser tests drive what `npm start` would serve.
 */
export default async function setup(): Promise<void> {
  const built = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0;
  if (built && built >= Math.max(...sources.map(newest))) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'apps/web/vite.config.ts'), logLevel: 'warn' });
}
