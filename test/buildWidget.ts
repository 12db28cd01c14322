import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'apps/widget/dist/loader.js');
const sources = ['apps/widget/src', 'apps/widget/frame.html', 'apps/widget/vite.config.ts', 'packages/protocol/src'];

function newest(p: string): number {
  const abs = path.join(root, p);
  if (!fs.existsSync(abs)) return 0;
  const st = fs.statSync(abs);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of fs.readdirSync(abs)) t = Math.max(t, newest(path.join(p, e)));
  return t;
}

/** Runs once per `vitest run`: builds the widget (loader + iframe UI) when missing or stale. */
export default async function setup(): Promise<void> {
  const at = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (at && at >= Math.max(...sources.map(newest))) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'apps/widget/vite.config.ts'), logLevel: 'warn' });
}
