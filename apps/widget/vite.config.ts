import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress, publicSourcemaps } from '../../scripts/precompress.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Two outputs: `loader.js` (served as /widget.js, the one script tag sites embed) and the chat UI
 * that runs in an iframe (`frame.html` and its hashed assets, served under /widget/). No framework:
 * plain DOM keeps both small. Text files get brotli and gzip copies; no source maps unless PUBLIC_SOURCEMAPS=1.
 */
export default defineConfig({
  root: here,
  base: '/widget/',
  plugins: [precompress()],
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: publicSourcemaps,
    rollupOptions: {
      input: { loader: path.join(here, 'src/loader.ts'), frame: path.join(here, 'frame.html') },
      output: { entryFileNames: (c) => (c.name === 'loader' ? 'loader.js' : 'assets/[name]-[hash].js') },
    },
  },
});
