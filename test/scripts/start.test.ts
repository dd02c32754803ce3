/**
 * `npm start` on a machine where no Electron binary runs: it serves the same app in web mode (a
 * production build) with the demo CRM beside it, and prints the link that opens it signed in.
 * Spawns scripts/start.mjs as npm would (FIELDBOOK_WEB=1 stands in for "no binary here"), waits for
 * the printed link and fetches what it points to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => ok(port));
    });
  });
}

let child: ChildProcess | null = null;
afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child?.once('exit', r));
  child.kill('SIGTERM');
  await exited;
});

describe('npm start without an Electron binary', () => {
  it('serves the app in web mode beside the demo CRM and prints the link that opens it signed in', async () => {
    const [webPort, crmPort] = [await freePort(), await freePort()];
    child = spawn(process.execPath, ['scripts/start.mjs', '--port', String(webPort), '--crm-port', String(crmPort)], {
      cwd: ROOT,
      env: { ...process.env, FIELDBOOK_WEB: '1', ELECTRON_EXEC_PATH: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const link = await new Promise<string>((ok, fail) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /Open this to start signed in to the demo CRM: (\S+)/.exec(out);
        if (m?.[1]) ok(m[1]);
      };
      child?.stdout?.on('data', onData);
      child?.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
      child?.once('exit', (code) => fail(new Error(`start.mjs exited (${code}) before printing the link:\n${out}`)));
    });
    expect(out).toContain('No Electron binary on this machine, so Fieldbook runs here in web mode');

    const url = new URL(link);
    expect(url.origin).toBe(`http://127.0.0.1:${webPort}`);
    expect(url.searchParams.get('crm')).toBe(`http://127.0.0.1:${crmPort}`);
    const token = url.searchParams.get('token') ?? '';

    // The page is the app (a production build, with its service worker) ...
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    expect((await fetch(new URL('/sw.js', url))).status).toBe(200);
    // ... the demo CRM answers with the printed token ...
    const list = await fetch(`${url.searchParams.get('crm') ?? ''}/api/v1/crm/activities?per_page=1`, { headers: { Authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { success: boolean }).success).toBe(true);
    // ... and the server offers it to the sign-in form.
    const offer = await fetch(new URL('/__fieldbook/demo-crm.json', url));
    expect(await offer.json()).toEqual({ url: `http://127.0.0.1:${crmPort}`, token });
  }, 240_000);
});
