// npm run web: the renderer in a browser (web mode) with a demo stand-in CRM beside it.
// Flags: --port N (web, default 5173), --crm-port N (default 4010), --no-crm,
//        --build (serve a production build, with the offline service worker, instead of the dev server)
import { spawn } from 'node:child_process';
import { build, createServer, preview } from 'vite';

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const webPort = Number(flag('--port', '5173'));
const crmPort = Number(flag('--crm-port', '4010'));
const withCrm = !args.includes('--no-crm');
const production = args.includes('--build');
const crmUrl = `http://127.0.0.1:${crmPort}`;
const crmToken = 'dev-token';
const children = [];

if (withCrm) {
  // One node process (tsx as a loader, not npx → tsx → node), so stopping it stops the CRM.
  const crm = spawn(process.execPath, ['--import', 'tsx', 'test/crm-server/cli.ts', '--port', String(crmPort), '--token', crmToken, '--data', '.crm-data', '--demo'], {
    stdio: 'inherit',
  });
  crm.on('exit', (code) => {
    if (!stopping) {
      console.error(`\nThe demo CRM stopped (exit ${code ?? 'signal'}); is port ${crmPort} taken? Try --crm-port N.`);
      stop(1);
    }
  });
  children.push(crm);
  // The dev/preview server tells the sign-in form that a demo CRM runs beside it (vite.web.config.ts).
  process.env.FIELDBOOK_DEMO_CRM_URL = crmUrl;
  process.env.FIELDBOOK_DEMO_CRM_TOKEN = crmToken;
}

let stopping = false;
let server = null;
function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill();
  void Promise.resolve(server?.close()).finally(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/** Waits until the CRM answers (any HTTP status), so the printed link works at once. */
async function crmReady(timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping) {
    try {
      await fetch(`${crmUrl}/api/v1/crm/activities?per_page=1`, { headers: { Authorization: `Bearer ${crmToken}` } });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`The demo CRM did not answer at ${crmUrl}`);
}

if (production) {
  console.log('Building the web app (out/web)…');
  await build({ configFile: 'vite.web.config.ts', logLevel: 'warn' });
  server = await preview({ configFile: 'vite.web.config.ts', preview: { port: webPort, host: '127.0.0.1', strictPort: true } });
} else {
  server = await createServer({ configFile: 'vite.web.config.ts', server: { port: webPort, host: '127.0.0.1' } });
  await server.listen();
}
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${webPort}/`;
if (withCrm) await crmReady();
console.log(`\nFieldbook (web mode${production ? ', production build, works offline once loaded' : ''}): ${url}`);
if (withCrm) {
  console.log(`Demo CRM beside it: ${crmUrl}  token: ${crmToken}`);
  console.log(`Open this to start signed in to the demo CRM: ${url}?crm=${encodeURIComponent(crmUrl)}&token=${crmToken}`);
}
console.log('Stop with Ctrl+C.');
