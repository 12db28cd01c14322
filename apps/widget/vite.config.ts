import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Two outputs: `loader.js` (served as /widget.js, the one script tag sites embed) and the chat UI
 * that runs in an iframe (`frame.html` and its hashed assets, served under /widget/). No framework:
 * plain DOM keeps both small.
 */
export default defineConfig({
  root: here,
  base: '/widget/',
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2020',
    rollupOptions: {
      input: { loader: path.join(here, 'src/loader.ts'), frame: path.join(here, 'frame.html') },
      output: { entryFileNames: (c) => (c.name === 'loader' ? 'loader.js' : 'assets/[name]-[hash].js') },
    },
  },
});
