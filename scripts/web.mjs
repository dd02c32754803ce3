// npm run web: the renderer in a browser (web mode) with a demo stand-in CRM beside it.
// Flags: --port N (web, default 5173), --crm-port N (default 4010), --no-crm
import { spawn } from 'node:child_process';
import { createServer } from 'vite';

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const webPort = Number(flag('--port', '5173'));
const crmPort = Number(flag('--crm-port', '4010'));
const children = [];

if (!args.includes('--no-crm')) {
  // One node process (tsx as a loader, not npx → tsx → node), so stopping it stops the CRM.
  const crm = spawn(process.execPath, ['--import', 'tsx', 'test/crm-server/cli.ts', '--port', String(crmPort), '--token', 'dev-token', '--data', '.crm-data', '--demo'], {
    stdio: 'inherit',
  });
  children.push(crm);
}

const server = await createServer({ configFile: 'vite.web.config.ts', server: { port: webPort, host: '127.0.0.1' } });
await server.listen();
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${webPort}/`;
console.log(`\nFieldbook (web mode): ${url}`);
if (!args.includes('--no-crm')) {
  console.log(`Stand-in CRM: http://127.0.0.1:${crmPort}  token: dev-token`);
  console.log(`Signed in at once: ${url}?crm=${encodeURIComponent(`http://127.0.0.1:${crmPort}`)}&token=dev-token`);
}

const stop = () => {
  for (const c of children) c.kill();
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
