import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

/**
 * "No I/O in the core" is a compiler rule: packages/core/tsconfig.json gives the core ES2023 alone
 * (no DOM, no Node types), so a network call, a timer, the process or the file system in the core
 * does not compile. Each snippet is compiled with the core's own compiler options.
 */
const root = path.resolve(import.meta.dirname, '..');
const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'packages/core/tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
})!;

const PURE = `export const later = (at: Date, ms: number): Date => new Date(at.getTime() + ms);\nexport const ids = new Map<string, number>([['a', 1]]);`;
const IO = [
  ['a network call', `export const load = () => fetch('https://example.com');`, 'fetch'],
  ['a timer', `export const wait = (f: () => void) => setTimeout(f, 10);`, 'setTimeout'],
  ['the process', `export const port = () => process.env.PORT;`, 'process'],
  ['the browser', `export const title = () => document.title;`, 'document'],
  ['the console', `export const say = (s: string) => console.log(s);`, 'console'],
  ['the file system', `import fs from 'node:fs';\nexport const read = () => fs.readFileSync('x');`, 'node:fs'],
] as const;

/** One program over every snippet (lib files are parsed once); its error messages per snippet. */
function compile(snippets: string[]): string[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-core-io-'));
  try {
    const files = snippets.map((code, i) => {
      const file = path.join(dir, `snippet${i}.ts`);
      fs.writeFileSync(file, code);
      return file;
    });
    const options = { ...parsed.options, composite: false, emitDeclarationOnly: false, noEmit: true, incremental: false, rootDir: undefined, outDir: undefined, tsBuildInfoFile: undefined };
    const program = ts.createProgram(files, options);
    const global = ts.getPreEmitDiagnostics(program).filter((d) => !d.file);
    if (global.length) throw new Error(global.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('\n'));
    return files.map((file) => ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the core compiles without I/O', () => {
  const [pure, ...io] = compile([PURE, ...IO.map(([, code]) => code)]);

  it('sees ES2023 alone, and compiles a pure function (the check itself works)', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.options.types).toEqual([]);
    expect(parsed.options.lib).toEqual(['lib.es2023.d.ts']);
    expect(pure).toEqual([]);
  });

  it.each(IO.map(([what, , name], i) => [what, name, i] as const))('refuses %s (%s)', (_what, name, i) => {
    expect(io[i]!.join('\n')).toContain(`'${name}'`);
  });
});
