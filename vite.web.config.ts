/**
 * Web mode: the same renderer served to a browser (docs/architecture.md, "Processes": web mode).
 *
 * - A service worker (vite-plugin-pwa / Workbox) precaches the built app shell, so a reload with
 *   no network still opens the app with the rep's data (IndexedDB). Only in a build: the dev
 *   server (npm run web, the e2e harness) runs without one.
 * - The dev and preview servers answer DEMO_CRM_PATH with the demo CRM that scripts/web.mjs runs
 *   beside the app (FIELDBOOK_DEMO_CRM_URL / _TOKEN), so the sign-in form can offer it. A static
 *   build has no such answer, and the desktop build does not use this config at all.
 */
import { resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const root = import.meta.dirname;
export const DEMO_CRM_PATH = '/__fieldbook/demo-crm.json';

/**
 * shared/'s modules run nothing on import (their top level declares: functions, zod schemas,
 * constants), so the bundler may drop what the page does not use (issue #12). Without this it keeps
 * every module the front doors (shared/sync/index.ts) re-export, because a top-level call such as
 * `z.object(...)` might have effects: the whole CRM engine, which runs in the sync worker, rode
 * on the start page. The one module that does act on import (activity-keys.ts: a Dexie
 * storagemutated listener) keeps its effects. The desktop renderer (electron.vite.config.ts) uses
 * the same rule.
 */
const SHARED_DIR = `${resolve(root, 'shared')}/`;
const SHARED_WITH_EFFECTS = new Set([resolve(root, 'shared/sync/activity-keys.ts')]);
export const rendererTreeshake = {
  moduleSideEffects: (id: string): boolean | undefined =>
    id.startsWith(SHARED_DIR) && !SHARED_WITH_EFFECTS.has(id) ? false : undefined,
};

/** The demo CRM beside this server, read per request (set by scripts/web.mjs, or a test). */
function demoCrmOffer(): Plugin {
  const answer = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.url?.split('?')[0] !== DEMO_CRM_PATH) return next();
    const url = process.env.FIELDBOOK_DEMO_CRM_URL;
    const token = process.env.FIELDBOOK_DEMO_CRM_TOKEN;
    res.setHeader('Cache-Control', 'no-store');
    if (!url || !token) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ url, token }));
  };
  return {
    name: 'fieldbook-demo-crm',
    configureServer(server) { server.middlewares.use(answer); },
    configurePreviewServer(server) { server.middlewares.use(answer); },
  };
}

export const webConfig = defineConfig({
  root: resolve(root, 'renderer'),
  plugins: [
    react(),
    demoCrmOffer(),
    VitePWA({
      registerType: 'autoUpdate',
      // A file (registerSW.js), not an inline script: the page's CSP allows scripts from 'self' only.
      injectRegister: 'script',
      manifest: {
        name: 'Fieldbook',
        short_name: 'Fieldbook',
        description: 'Offline-first activities for field sales reps.',
        start_url: '.',
        display: 'standalone',
        background_color: '#f7f7f8',
        theme_color: '#f7f7f8',
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,ico,woff2}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/__fieldbook\//, /^\/api\//],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  server: { host: '127.0.0.1', strictPort: false },
  preview: { host: '127.0.0.1' },
  build: { outDir: resolve(root, 'out/web'), emptyOutDir: true, rolldownOptions: { treeshake: rendererTreeshake } },
});
export default webConfig;
