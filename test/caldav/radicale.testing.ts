/**
 * A real CalDAV server for tests: Debian's Radicale (3.x), started on 127.0.0.1 on a free port
 * with its own temporary storage, config and htpasswd file (plain passwords: Debian's package has
 * no bcrypt/passlib, and plain is all a throwaway test account needs). `.ci/run` installs it.
 *
 * When radicale is not on PATH, `radicaleAvailable()` is false and suites print
 * "skipped: radicale not installed" and skip: never a faked pass.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RadicaleServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

export function radicaleAvailable(): boolean {
  const r = spawnSync('radicale', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Says why a suite skips, once, in the test output. */
export function skipMessage(): string {
  return 'skipped: radicale not installed';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls until Radicale accepts connections on its port: a bounded loop, not a sleep. */
async function waitUntilListening(port: number, child: ChildProcess, output: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`radicale exited (${child.exitCode}) before listening:\n${output()}`);
    if (await portAnswers(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`radicale did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Radicale's [headers] section for a browser page at `origin` (web mode, the e2e suites): the DAV
 * methods, the headers the client sends (Authorization must be named: "*" does not cover it) and
 * ETag/Location/DAV readable by the page. Radicale adds these to every answer, preflights too.
 */
export function corsHeaders(origin: string): string[] {
  return [
    '[headers]',
    `Access-Control-Allow-Origin = ${origin}`,
    'Access-Control-Allow-Methods = GET, PUT, DELETE, PROPFIND, REPORT, MKCALENDAR, OPTIONS',
    'Access-Control-Allow-Headers = Authorization, Content-Type, Depth, If-Match, If-None-Match',
    'Access-Control-Expose-Headers = ETag, Location, DAV',
    'Access-Control-Max-Age = 600',
  ];
}

export async function startRadicale(opts: { user?: string; password?: string; cors?: string } = {}): Promise<RadicaleServer> {
  const user = opts.user ?? 'rep';
  const password = opts.password ?? 'app-password-1';
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-radicale-'));
  const port = await freePort();
  const htpasswd = join(dir, 'users');
  writeFileSync(htpasswd, `${user}:${password}\n`);
  const config = join(dir, 'config');
  writeFileSync(
    config,
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${htpasswd}`,
      'htpasswd_encryption = plain',
      // Radicale waits this long after a wrong password; the wrong-password test needs no delay.
      'delay = 0',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${join(dir, 'collections')}`,
      '[web]',
      'type = none',
      '[logging]',
      'level = warning',
      ...(opts.cors ? corsHeaders(opts.cors) : []),
      '',
    ].join('\n'),
  );
  const child = spawn('radicale', ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  try {
    await waitUntilListening(port, child, () => log);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    user,
    password,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
