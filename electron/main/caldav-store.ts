/**
 * The calendar account's credential (issue #14), kept in main only, like the CRM token
 * (token-store.ts): the app password is encrypted with safeStorage before it touches disk, and
 * where the OS offers no real encryption it is kept in memory only (the rep enters it again after
 * a restart; `persisted` says so). The renderer learns the address and user name, never the password.
 */
import { rmSync } from 'node:fs';
import { z } from 'zod';
import type { CalDavCredentialInfo } from '#shared/ipc/platform';
import { jsonFile } from './json-file.ts';
import { realEncryption, type SafeStorageLike } from './token-store.ts';

export interface CalDavCredential {
  serverUrl: string;
  username: string;
  password: string;
}

const fileSchema = z.strictObject({ version: z.literal(1), serverUrl: z.string(), username: z.string(), passwordEncrypted: z.string() });

export class CalDavCredentialStore {
  private current: CalDavCredential | null = null;
  private persisted = false;
  private readonly file;

  constructor(
    private readonly path: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly platform: NodeJS.Platform,
    private readonly log: { warn(msg: string): void } = { warn: () => {} },
  ) {
    this.file = jsonFile(path, fileSchema, (why) => log.warn(`calendar account file unreadable: ${why}`));
  }

  canPersist(): boolean {
    return realEncryption(this.safeStorage, this.platform);
  }

  /** Reads the saved account at start-up; a password that no longer decrypts is dropped (connect again). */
  load(): CalDavCredential | null {
    const saved = this.file.read();
    if (!saved || !this.canPersist()) return this.current;
    try {
      const password = this.safeStorage.decryptString(Buffer.from(saved.passwordEncrypted, 'base64'));
      this.current = { serverUrl: saved.serverUrl, username: saved.username, password };
      this.persisted = true;
    } catch (e) {
      this.log.warn(`saved calendar password could not be decrypted (${e instanceof Error ? e.message : 'unknown'}); connect the calendar again`);
    }
    return this.current;
  }

  get(): CalDavCredential | null {
    return this.current;
  }

  info(): CalDavCredentialInfo | null {
    const c = this.current;
    return c ? { serverUrl: c.serverUrl, username: c.username, persisted: this.persisted } : null;
  }

  /** Returns whether the password was written (encrypted); false: kept in memory only. */
  set(cred: CalDavCredential): boolean {
    this.current = { ...cred };
    if (!this.canPersist()) {
      this.log.warn('no secure storage available: the calendar password is kept in memory only and not written to disk');
      this.removeFile();
      this.persisted = false;
      return false;
    }
    const passwordEncrypted = this.safeStorage.encryptString(cred.password).toString('base64');
    this.file.write({ version: 1, serverUrl: cred.serverUrl, username: cred.username, passwordEncrypted });
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
