/**
 * The CRM address and bearer token, kept in main only. The token is encrypted with safeStorage
 * (Keychain, DPAPI, libsecret/kwallet) before it touches disk. Where the OS offers no real
 * encryption (Linux without a keyring falls back to a hard-coded key, "basic_text") we refuse to
 * write it and keep it in memory: the rep signs in again after a restart, and the session says so.
 */
import { rmSync } from 'node:fs';
import { z } from 'zod';
import { jsonFile } from './json-file.ts';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

/**
 * Whether safeStorage really encrypts (a secret may be written to disk): not when encryption is
 * unavailable, nor on Linux with the 'basic_text' backend (no keyring: a hard-coded key). The CRM
 * token and the calendar password (caldav-store.ts) both go by it.
 */
export function realEncryption(safeStorage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return false;
  return true;
}

export interface Credentials {
  baseUrl: string;
  token: string;
}

const fileSchema = z.strictObject({ version: z.literal(1), baseUrl: z.string(), tokenEncrypted: z.string() });

export class TokenStore {
  private current: Credentials | null = null;
  private persisted = false;
  private readonly file;

  constructor(
    private readonly path: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly platform: NodeJS.Platform,
    private readonly log: { warn(msg: string): void } = { warn: () => {} },
  ) {
    this.file = jsonFile(path, fileSchema, (why) => log.warn(`session file unreadable: ${why}`));
  }

  /** True when the token can be written to disk encrypted by the OS. */
  canPersist(): boolean {
    return realEncryption(this.safeStorage, this.platform);
  }

  /** Reads the saved session at start-up; a token that no longer decrypts is dropped (sign in again). */
  load(): Credentials | null {
    const saved = this.file.read();
    if (!saved || !this.canPersist()) return this.current;
    try {
      const token = this.safeStorage.decryptString(Buffer.from(saved.tokenEncrypted, 'base64'));
      this.current = { baseUrl: saved.baseUrl, token };
      this.persisted = true;
    } catch (e) {
      this.log.warn(`saved token could not be decrypted (${e instanceof Error ? e.message : 'unknown'}); sign-in needed`);
    }
    return this.current;
  }

  get(): Credentials | null {
    return this.current;
  }

  isPersisted(): boolean {
    return this.persisted;
  }

  /** Returns whether the token was persisted (false: kept in memory only). */
  set(creds: Credentials): boolean {
    this.current = { baseUrl: creds.baseUrl.replace(/\/+$/, ''), token: creds.token };
    if (!this.canPersist()) {
      this.log.warn('no secure storage available: the token is kept in memory only and not written to disk');
      this.removeFile();
      this.persisted = false;
      return false;
    }
    const tokenEncrypted = this.safeStorage.encryptString(creds.token).toString('base64');
    this.file.write({ version: 1, baseUrl: this.current.baseUrl, tokenEncrypted });
    this.persisted = true;
    return true;
  }

  clear(): void {
    this.current = null;
    this.persisted = false;
    this.removeFile();
  }

  private removeFile(): void {
    rmSync(this.path, { force: true });
  }
}
