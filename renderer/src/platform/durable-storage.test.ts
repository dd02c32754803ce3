/**
 * Persistent storage is requested once, at start, by both platforms, and the answer is what the
 * Sync view reads: 'granted', 'refused' (the browser may evict unsynced work) or 'unsupported'.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FieldbookBridge } from '#shared/ipc/contract';
import { requestDurableStorage } from './durable-storage.ts';
import { createElectronPlatform } from './electron.ts';
import { createWebPlatform, type WebPlatform } from './web.ts';

function fakeStorage(opts: { persisted?: boolean; persist?: boolean | Error }) {
  const calls = { persist: 0, persisted: 0 };
  return {
    calls,
    storage: {
      persisted: () => {
        calls.persisted++;
        return Promise.resolve(opts.persisted ?? false);
      },
      persist: () => {
        calls.persist++;
        return opts.persist instanceof Error ? Promise.reject(opts.persist) : Promise.resolve(opts.persist ?? false);
      },
    },
  };
}

describe('requestDurableStorage', () => {
  it('asks navigator.storage.persist() and reports the answer', async () => {
    const yes = fakeStorage({ persist: true });
    expect(await requestDurableStorage(yes.storage)).toBe('granted');
    expect(yes.calls.persist).toBe(1);
    const no = fakeStorage({ persist: false });
    expect(await requestDurableStorage(no.storage)).toBe('refused');
  });

  it('does not ask again when storage is already persistent', async () => {
    const already = fakeStorage({ persisted: true });
    expect(await requestDurableStorage(already.storage)).toBe('granted');
    expect(already.calls.persist).toBe(0);
  });

  it('a throwing persist() is a refusal, and no StorageManager is "unsupported"', async () => {
    expect(await requestDurableStorage(fakeStorage({ persist: new TypeError('opaque origin') }).storage)).toBe('refused');
    expect(await requestDurableStorage(undefined)).toBe('unsupported');
  });

  it('uses navigator.storage by default', async () => {
    const s = fakeStorage({ persist: true });
    vi.stubGlobal('navigator', { storage: s.storage });
    try {
      expect(await requestDurableStorage()).toBe('granted');
      expect(s.calls.persist).toBe(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('both platforms request it at start and report it', () => {
  const win = Object.assign(new EventTarget(), { focus: vi.fn() });
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible', title: '' });
  let web: WebPlatform | undefined;
  beforeEach(() => {
    vi.stubGlobal('window', win);
    vi.stubGlobal('document', doc);
  });
  afterEach(() => {
    web?.dispose();
    web = undefined;
    vi.unstubAllGlobals();
  });

  it('web mode: navigator.storage.persist() at creation, once; durableStorage() gives its answer', async () => {
    const s = fakeStorage({ persist: false });
    vi.stubGlobal('navigator', { storage: s.storage });
    web = createWebPlatform({ tickMs: 1e9 });
    // Asked at creation, before anyone looks.
    expect(s.calls.persisted).toBe(1);
    expect(await web.durableStorage()).toBe('refused');
    expect(s.calls.persist).toBe(1);
    expect(await web.durableStorage()).toBe('refused');
    expect(s.calls.persist).toBe(1);
  });

  it('desktop: the same request from the renderer, reported through the platform port', async () => {
    const s = fakeStorage({ persist: true });
    vi.stubGlobal('navigator', { storage: s.storage });
    const bridge = { kind: 'electron', invoke: vi.fn(), on: vi.fn() } as unknown as FieldbookBridge;
    const desktop = createElectronPlatform(bridge);
    expect(s.calls.persisted).toBe(1);
    expect(await desktop.durableStorage()).toBe('granted');
    expect(s.calls.persist).toBe(1);
  });
});
