/** Web mode: the same renderer served to a browser (ARCHITECTURE "web mode"). */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export const webConfig = defineConfig({
  root: resolve(root, 'renderer'),
  plugins: [react()],
  server: { host: '127.0.0.1', strictPort: false },
  preview: { host: '127.0.0.1' },
  build: { outDir: resolve(root, 'out/web'), emptyOutDir: true },
});
export default webConfig;
