// Lint holds the architecture (ARCHITECTURE.md, "Layers"): which layer may import which, and the
// rules that catch bugs. It is not a formatter: no style rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const TS = ['**/*.ts', '**/*.tsx'];
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/** `no-restricted-imports` for a layer: bare specifiers matching `regex` are refused with `message`. */
function layer(files, patterns, ignores = []) {
  return { files, ignores, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

/** The same direction for relative paths (resolved, so `../../protocol/src/x.ts` counts as protocol). */
const ZONES = [
  { target: 'packages/core/src', from: ['packages/protocol', 'packages/client', 'apps'], message: 'the core depends on nothing' },
  { target: 'packages/protocol/src', from: ['packages/core', 'packages/client', 'apps'], message: 'protocol depends on zod only' },
  { target: 'packages/client/src', from: ['packages/core', 'apps'], message: 'the client depends on protocol only' },
  { target: 'apps/server/src', from: ['packages/client', 'apps/web', 'apps/widget'], message: 'the server builds on core and protocol only' },
  { target: 'apps/web/src', from: ['packages/core', 'apps/server', 'apps/widget'], message: 'the web app talks to the server through client and protocol' },
  { target: 'apps/widget/src', from: ['packages/core', 'apps/server', 'apps/web'], message: 'the widget talks to the server through client and protocol' },
];

/**
 * Writes to the store: Kysely's write builders, and raw `sql` that starts with a write.
 * Routes, gateways and channels only read; every write goes through an action (one transaction,
 * its events, its authorization).
 */
const STORE_WRITES = [
  { selector: 'CallExpression[callee.property.name=/^(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]', message: 'routes, gateways and channels write through an action in actions/, never the store directly' },
  { selector: 'TaggedTemplateExpression[tag.name="sql"] > TemplateLiteral > TemplateElement:first-child[value.raw=/^\\s*(insert|update|delete|replace|merge)\\b/i]', message: 'routes, gateways and channels write through an action in actions/, never the store directly' },
];
// channels/ outside email (inboxes, messaging adapters) still writes directly, so it joins this list
// once those writes are actions (issue 17, item 5).
const WRITES_THROUGH_ACTIONS = ['apps/server/src/http/**', 'apps/server/src/realtime/**', 'apps/server/src/channels/email/**'];

/** Files a tsconfig covers: linted with type information (for the promise rules). */
const TYPED = ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx', 'apps/*/test/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'apps/web/scripts/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.tsbuild/**', 'data/**', 'coverage/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: TS,
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Bugs, not style: an unused variable is usually a forgotten use; `any` is allowed where the
      // code says so (tests poke at pages), an empty catch must say why in a comment.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true, varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: false }],
      // It flags the fallback a `let x = fallback; try { x = parse() } catch {}` starts with: harmless.
      'no-useless-assignment': 'off',
      // Style (and wrong for a `let` that closures read before its one assignment).
      'prefer-const': 'off',
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': ['error', { zones: ZONES }],
    },
  },
  {
    // A promise nobody awaits loses its error (an unhandled rejection ends the server); `void`
    // says it is meant. Needs the type checker, so only where a tsconfig covers the file.
    files: TYPED,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  { files: ['apps/web/src/**', 'apps/widget/src/**'], languageOptions: { globals: { ...globals.browser } } },
  // Build scripts are plain JavaScript for Node (they run before anything is compiled).
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  { files: WRITES_THROUGH_ACTIONS, rules: { 'no-restricted-syntax': ['error', ...STORE_WRITES] } },
  {
    // An import cycle at run time (e.g. actions/ ⇄ routing/) leaves a module half-initialised when the
    // other side first reads it. Type-only imports are erased, so they do not count.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx'],
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // The two hook rules that catch real bugs (a hook behind a condition, a stale closure); the
    // plugin's compiler-oriented presets are about style of React code, not correctness.
    files: ['apps/web/src/**/*.tsx', 'apps/web/src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },

  // ---- the dependency direction: core → nothing; protocol → zod; client → protocol;
  // server → core, protocol; web and widget → client, protocol.
  layer(['packages/core/src/**'], [{ regex: '^(?!\\.)', message: 'the core is pure: no packages, no node: built-ins, no I/O' }], TESTS),
  layer(['packages/core/src/**/*.test.ts'], [{ regex: '^(?!\\.|vitest$|fast-check$)', message: 'core tests use vitest and fast-check only' }]),
  layer(['packages/protocol/src/**'], [{ regex: '^(?!\\.|zod$|zod/)', message: 'protocol depends on zod only' }], TESTS),
  layer(['packages/protocol/src/**/*.test.ts'], [{ regex: '^(?!\\.|zod$|zod/|vitest$|fast-check$)', message: 'protocol depends on zod only' }]),
  layer(['packages/client/src/**'], [{ regex: '^(?!\\.|@switchboard/protocol$|zod$|vitest$)', message: 'the client depends on protocol only' }]),
  layer(
    ['apps/server/src/**'],
    [{ regex: '^@switchboard/(?!core$|protocol$)', message: 'the server builds on core and protocol only' }],
  ),
  ...['web', 'widget'].map((app) =>
    layer(
      [`apps/${app}/src/**`],
      [
        { regex: '^@switchboard/(?!client$|protocol$)', message: `the ${app} talks to the server through client and protocol, never core or server internals` },
        { regex: '^node:', message: `the ${app} runs in the browser` },
      ],
    ),
  ),
);
