import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { rendererTreeshake } from './vite.web.config.ts';

const root = import.meta.dirname;

export const config = defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(root, 'electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // CommonJS so it loads in a sandboxed renderer.
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // electron-vite leaves the renderer unminified by default; minified, the start page parses
      // a third of the bytes (issue #12's budget; test/bench/bundle.ts reports it).
      minify: true,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
      // What shared/ code the page does not use stays out of it (see vite.web.config.ts).
      rolldownOptions: { treeshake: rendererTreeshake },
    },
  },
});
export default config;
