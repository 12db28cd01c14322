import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

/** What is worth compressing: text. Images and fonts are compressed already. */
const TEXT = /\.(js|mjs|css|html|svg|json|txt)$/;
/** Below this a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1024;

/**
 * Writes `file.br` (brotli, quality 11) and `file.gz` (gzip, level 9) next to every text file of the
 * build, which the server sends by the request's Accept-Encoding (@fastify/static `preCompressed`).
 * Compressing once at build time at the highest levels costs about a second per build; compressing
 * per response (@fastify/compress) would cost CPU on every request and, at a quality cheap enough for
 * that, send larger files (figures in ARCHITECTURE.md, "Delivery").
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'switchboard-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle: {
      sequential: true,
      order: 'post',
      handler(_options, bundle) {
        for (const name of Object.keys(bundle)) {
          if (!TEXT.test(name)) continue;
          const file = path.join(outDir, name);
          const raw = fs.readFileSync(file);
          if (raw.length < MIN_BYTES) continue;
          fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
          fs.writeFileSync(`${file}.gz`, zlib.gzipSync(raw, { level: 9 }));
        }
      },
    },
  };
}

/**
 * Source maps are not built unless PUBLIC_SOURCEMAPS=1 is set for the build: whatever is in dist is
 * public, and a map publishes the app's whole source. `PUBLIC_SOURCEMAPS=1 npm run build` builds them.
 */
export const publicSourcemaps = process.env.PUBLIC_SOURCEMAPS === '1';
