// npm start: build, then launch the desktop app where an Electron binary exists.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** Where the electron package would put its binary, without triggering its lazy download. */
function electronBinary() {
  try {
    const dir = require.resolve('electron/package.json').replace(/package\.json$/, '');
    const pathFile = `${dir}path.txt`;
    if (!existsSync(pathFile)) return null;
    const rel = require('node:fs').readFileSync(pathFile, 'utf8').trim();
    const bin = `${dir}dist/${rel}`;
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const bin = process.env.ELECTRON_EXEC_PATH ?? electronBinary();
if (!bin) {
  console.log(
    '\nNo Electron binary on this machine, so the desktop app cannot be launched here.\n' +
      'The build above succeeded (out/). To try the same app in a browser, run:\n\n  npm run web\n',
  );
  process.exit(0);
}
const child = spawn(bin, ['.'], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
