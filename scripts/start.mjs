// npm start: launch the desktop app where an Electron binary runs; elsewhere serve the same app in
// web mode (a production build, with the demo CRM beside it) and print the link that opens it signed in.
// FIELDBOOK_WEB=1 chooses web mode even where Electron runs. Arguments go on to scripts/web.mjs
// (e.g. npm start -- --port 8080 --crm-port 4011).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Where the electron package would put its binary, without triggering its lazy download. */
function electronBinary() {
  try {
    const dir = require.resolve('electron/package.json').replace(/package\.json$/, '');
    const pathFile = `${dir}path.txt`;
    if (!existsSync(pathFile)) return null;
    const rel = readFileSync(pathFile, 'utf8').trim();
    const bin = `${dir}dist/${rel}`;
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** Relays Ctrl+C / SIGTERM to the child and exits with it. */
function follow(child) {
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const bin = process.env.FIELDBOOK_WEB === '1' ? null : (process.env.ELECTRON_EXEC_PATH || electronBinary());
if (!bin) {
  console.log(
    'No Electron binary on this machine, so Fieldbook runs here in web mode: the same app in your\n' +
      'browser, with a demo CRM beside it. The link printed below opens it signed in.\n',
  );
  const web = fileURLToPath(new URL('./web.mjs', import.meta.url));
  follow(spawn(process.execPath, [web, '--build', ...process.argv.slice(2)], { stdio: 'inherit' }));
} else {
  const built = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  follow(spawn(bin, ['.'], { stdio: 'inherit' }));
}
