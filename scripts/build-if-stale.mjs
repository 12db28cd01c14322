// `npm start`'s build step (plain JavaScript: it runs before anything is compiled, without tsx).
// Builds the web app, the widget and the server, each only when its output is missing or older
// than what it is built from, so a restart with nothing changed starts at once.
// `node scripts/build-if-stale.mjs --force` (what `npm run build` runs) builds all three anyway.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = 'scripts/build-if-stale.mjs';

/**
 * What `npm start` serves, what each is built from (folders count their files and their own listing).
 * The browser tests build through the same list (test/buildApps.ts).
 */
export const TARGETS = [
  {
    name: 'web app',
    output: 'apps/web/dist/index.html',
    sources: ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'scripts/precompress.ts', 'packages/client/src', 'packages/protocol/src'],
    build: () => vite('apps/web/vite.config.ts'),
  },
  {
    name: 'widget',
    output: 'apps/widget/dist/loader.js',
    sources: ['apps/widget/src', 'apps/widget/frame.html', 'apps/widget/vite.config.ts', 'scripts/precompress.ts', 'packages/client/src', 'packages/protocol/src'],
    build: () => vite('apps/widget/vite.config.ts'),
  },
  {
    name: 'server',
    output: 'apps/server/dist/main.js',
    sources: ['apps/server/src', 'packages/core/src', 'packages/protocol/src', 'package.json', self],
    build: server,
  },
];

/** Newest modification time under `p` (a deleted or renamed file changes its folder's time). */
function newest(p) {
  const abs = path.join(root, p);
  if (!fs.existsSync(abs)) return 0;
  const st = fs.statSync(abs);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const e of fs.readdirSync(abs)) t = Math.max(t, newest(path.join(p, e)));
  return t;
}

export function isStale(target) {
  const output = path.join(root, target.output);
  const built = fs.existsSync(output) ? fs.statSync(output).mtimeMs : 0;
  return !built || built < Math.max(...target.sources.map(newest));
}

/**
 * A production build whoever calls it: under Vitest (test/buildApps.ts) NODE_ENV is `test`, and
 * Vite would then build React's development bundle, several times larger than what `npm start` serves.
 */
async function vite(config) {
  const { build } = await import('vite');
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(root, config), mode: 'production', logLevel: 'warn' });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}

/**
 * The server as one ES module (apps/server/dist/main.js) with the workspace packages inside it and
 * every npm dependency left to node_modules. esbuild rather than tsc: it takes about a second
 * instead of tens, and bundling the workspace packages lets their package.json files keep pointing
 * at their sources (which vitest, tsx and the type checker read). Type errors are `npm run typecheck`'s job.
 */
async function server() {
  const esbuild = await import('esbuild');
  const outfile = path.join(root, 'apps/server/dist/main.js');
  await esbuild.build({
    entryPoints: [path.join(root, 'apps/server/src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [workspaceInside(), sourceRelativeMeta(path.dirname(outfile))],
  });
}

/** npm packages stay external (node loads them from node_modules); @switchboard/* is bundled. */
function workspaceInside() {
  return {
    name: 'workspace-inside',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('@switchboard/') || path.isAbsolute(args.path)) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * Code that finds files next to itself (`import.meta.url`: the built web app and widget, a require
 * from there) keeps finding them from the bundle: each module's `import.meta.url` becomes its source
 * file's URL, written relative to the bundle so the checkout can move.
 */
function sourceRelativeMeta(outdir) {
  return {
    name: 'source-relative-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        let contents = await fs.promises.readFile(args.path, 'utf8');
        if (contents.includes('import.meta.url')) {
          const rel = path.relative(outdir, args.path).split(path.sep).join('/');
          contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
        }
        return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      });
    },
  };
}

async function main() {
  const force = process.argv.includes('--force');
  for (const target of TARGETS) {
    if (!force && !isStale(target)) continue;
    const started = Date.now();
    await target.build();
    process.stdout.write(`  built the ${target.name} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
