import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { CalDavCredentialStore } from './caldav-store.ts';
import type { SafeStorageLike } from './token-store.ts';

vi.mock('electron', () => ({}));

function fakeSafeStorage(available = true, backend = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x33)),
    decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x33)).toString(),
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fieldbook-caldav-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CRED = { serverUrl: 'https://caldav.example.com/dav/', username: 'rep@example.com', password: 'app-PASSWORD-xyz' };

describe('CalDavCredentialStore', () => {
  it('writes the password encrypted, loads it after a restart, and tells the renderer only address and user', () => {
    const file = join(dir, 'caldav.json');
    const first = new CalDavCredentialStore(file, fakeSafeStorage(), 'linux');
    expect(first.set(CRED)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('PASSWORD');
    const second = new CalDavCredentialStore(file, fakeSafeStorage(), 'linux');
    expect(second.load()).toEqual(CRED);
    expect(second.info()).toEqual({ serverUrl: CRED.serverUrl, username: CRED.username, persisted: true });
    expect(JSON.stringify(second.info())).not.toContain('PASSWORD');
    second.clear();
    expect(existsSync(file)).toBe(false);
    expect(second.info()).toBeNull();
  });

  it.each([
    ['encryption unavailable', fakeSafeStorage(false), 'darwin' as const],
    ['Linux without a keyring (basic_text)', fakeSafeStorage(true, 'basic_text'), 'linux' as const],
  ])('%s: keeps the password in memory only and says so', (_name, storage, platform) => {
    const file = join(dir, 'caldav.json');
    const warnings: string[] = [];
    const store = new CalDavCredentialStore(file, storage, platform, { warn: (m) => warnings.push(m) });
    expect(store.set(CRED)).toBe(false);
    expect(store.get()?.password).toBe(CRED.password);
    expect(store.info()?.persisted).toBe(false);
    expect(existsSync(file)).toBe(false);
    expect(warnings.join('\n')).toMatch(/memory only/);
  });

  it('a password that no longer decrypts means connect again, not a crash', () => {
    const file = join(dir, 'caldav.json');
    new CalDavCredentialStore(file, fakeSafeStorage(), 'linux').set(CRED);
    const broken: SafeStorageLike = { ...fakeSafeStorage(), decryptString: () => { throw new Error('keychain changed'); } };
    expect(new CalDavCredentialStore(file, broken, 'linux').load()).toBeNull();
  });
});
