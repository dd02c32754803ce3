import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenStore } from './token-store.ts';
import type { SafeStorageLike } from './token-store.ts';

vi.mock('electron', () => ({}));

/** A reversible stand-in for the OS keychain: enough to prove what reaches the disk. */
function fakeSafeStorage(available = true, backend = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
    decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fieldbook-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('TokenStore', () => {
  const TOKEN = 'secret-token-abc';

  it('persists the token encrypted and loads it after a restart', () => {
    const file = join(dir, 'session.json');
    const first = new TokenStore(file, fakeSafeStorage(), 'linux');
    expect(first.set({ baseUrl: 'https://crm.example.com/', token: TOKEN })).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    const second = new TokenStore(file, fakeSafeStorage(), 'linux');
    expect(second.load()).toEqual({ baseUrl: 'https://crm.example.com', token: TOKEN });
    expect(second.isPersisted()).toBe(true);
    second.clear();
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    ['encryption unavailable', fakeSafeStorage(false), 'darwin' as const],
    ['Linux without a keyring (basic_text)', fakeSafeStorage(true, 'basic_text'), 'linux' as const],
  ])('%s: refuses to write, keeps the token in memory, and says so', (_name, storage, platform) => {
    const file = join(dir, 'session.json');
    const warnings: string[] = [];
    const store = new TokenStore(file, storage, platform, { warn: (m) => warnings.push(m) });
    expect(store.set({ baseUrl: 'https://crm.example.com', token: TOKEN })).toBe(false);
    expect(store.get()?.token).toBe(TOKEN);
    expect(store.isPersisted()).toBe(false);
    expect(existsSync(file)).toBe(false);
    expect(warnings.join('\n')).toMatch(/memory only/);
  });

  it('a token that no longer decrypts means sign in again, not a crash', () => {
    const file = join(dir, 'session.json');
    new TokenStore(file, fakeSafeStorage(), 'linux').set({ baseUrl: 'https://crm.example.com', token: TOKEN });
    const broken: SafeStorageLike = { ...fakeSafeStorage(), decryptString: () => { throw new Error('keychain changed'); } };
    const store = new TokenStore(file, broken, 'linux');
    expect(store.load()).toBeNull();
  });
});
