/**
 * The production web build served by Vite's preview server on 127.0.0.1, for the suites that test
 * what ships (the offline shell's service worker, the code-split chunks). Built the way the bundle
 * bench builds it (test/bench/bundle.ts buildWeb: React's production build, manifest on).
 */
import { rmSync } from 'node:fs';
import { preview } from 'vite';
import { buildWeb } from '../bench/bundle.ts';

export interface WebPreview {
  /** The app's address, ending in '/'. */
  url: string;
  close(): Promise<void>;
}

export async function serveWebBuild(): Promise<WebPreview> {
  const outDir = await buildWeb();
  const server = await preview({ configFile: 'vite.web.config.ts', logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: async () => {
      await new Promise<void>((r) => { server.httpServer.close(() => r()); });
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
