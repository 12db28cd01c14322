import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompress, publicSourcemaps } from '../../scripts/precompress.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * `npm run build` at the root builds into apps/web/dist, which the server serves with SPA fallback,
 * each text file with its brotli and gzip copies, and without source maps unless PUBLIC_SOURCEMAPS=1.
 */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), precompress()],
  build: { outDir: path.join(here, 'dist'), emptyOutDir: true, sourcemap: publicSourcemaps, target: 'es2022' },
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } },
  },
});
