import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rule from ARCHITECTURE.md, held by a test: core → nothing; protocol → zod;
 * client → protocol; web and widget → client and protocol, never core or server internals.
 */
const root = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(abs, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|tsx)$/.test(entry.name)) continue;
    const full = path.join(entry.parentPath, entry.name);
    if (full.includes(`${path.sep}node_modules${path.sep}`) || full.includes(`${path.sep}dist${path.sep}`)) continue;
    out.push(full);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

const RULES: Array<{ dir: string; allowed: (spec: string) => boolean; why: string }> = [
  { dir: 'packages/core/src', allowed: (s) => s.startsWith('.') || s === 'vitest', why: 'core is pure: no dependencies, no I/O' },
  { dir: 'packages/protocol/src', allowed: (s) => s.startsWith('.') || s === 'zod' || s === 'vitest', why: 'protocol depends on zod only' },
  { dir: 'packages/client/src', allowed: (s) => s.startsWith('.') || s === '@switchboard/protocol' || s === 'zod' || s === 'vitest', why: 'client depends on protocol only' },
  { dir: 'apps/web/src', allowed: (s) => !s.startsWith('@switchboard/core') && !s.startsWith('@switchboard/server') && !s.includes('apps/server') && !s.includes('packages/core'), why: 'the web app talks to the server through client and protocol' },
  { dir: 'apps/widget/src', allowed: (s) => !s.startsWith('@switchboard/core') && !s.startsWith('@switchboard/server') && !s.includes('apps/server') && !s.includes('packages/core'), why: 'the widget talks to the server through client and protocol' },
];

describe('dependency boundaries', () => {
  it.each(RULES)('$dir: $why', ({ dir, allowed }) => {
    const offenders: string[] = [];
    for (const file of sourceFiles(dir)) {
      for (const spec of importsOf(file)) {
        // Node built-ins are fine outside core (the server is not checked here); core may not do I/O at all.
        const builtin = spec.startsWith('node:');
        if ((builtin && dir === 'packages/core/src') || (!builtin && !allowed(spec))) offenders.push(`${path.relative(root, file)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('routes never write conversations, messages or events themselves: actions do, in one transaction', () => {
    const offenders = sourceFiles('apps/server/src/http/routes').filter((f) =>
      /\.(insertInto|updateTable|deleteFrom)\(\s*['"](conversations|messages|events)['"]/.test(fs.readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });
});
