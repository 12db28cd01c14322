import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TARGETS, isStale } from '../scripts/build-if-stale.mjs';

const root = path.resolve(import.meta.dirname, '..');
const mtimeOf = (output: string) => fs.statSync(path.join(root, output)).mtimeMs;

/**
 * Issue 14, Build 4: `npm start` (scripts/build-if-stale.mjs) starts at once when the built apps are
 * current. The test run's global setup built the web app and the widget with the same stale check.
 */
describe('npm start on built apps', () => {
  const apps = TARGETS.filter((t) => t.name !== 'server');

  it('finds the web app and the widget current, and builds neither again', () => {
    expect(apps.map((t) => t.name)).toEqual(['web app', 'widget']);
    for (const app of apps) expect(isStale(app), app.name).toBe(false);
    const before = apps.map((t) => mtimeOf(t.output));
    const out = execFileSync(process.execPath, [path.join(root, 'scripts/build-if-stale.mjs')], { cwd: root, encoding: 'utf8' });
    expect(out).not.toMatch(/built the (web app|widget)/);
    expect(apps.map((t) => mtimeOf(t.output))).toEqual(before);
  }, 120_000);

  it('counts as stale an app whose output is older than any of its sources', () => {
    for (const app of apps) {
      const output = path.join(root, app.output);
      const st = fs.statSync(output);
      try {
        // Back-date the output rather than touch a source: the checkout stays as it is.
        fs.utimesSync(output, st.atime, new Date(0));
        expect(isStale(app), app.name).toBe(true);
      } finally {
        fs.utimesSync(output, st.atime, st.mtime);
      }
    }
  });
});
