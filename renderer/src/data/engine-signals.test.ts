import { describe, expect, it } from 'vitest';
import { watchVisibility } from './engine-signals.ts';

describe('visibility signals for the sync engine', () => {
  it('hidden and shown reach setVisible, focus counts as shown, and unsubscribing stops them', () => {
    const calls: boolean[] = [];
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    const win = new EventTarget();
    const off = watchVisibility({ setVisible: (v) => calls.push(v) }, doc, win);
    expect(calls).toEqual([false]);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    win.dispatchEvent(new Event('focus'));
    expect(calls).toEqual([false, true, false, true]);
    off();
    win.dispatchEvent(new Event('focus'));
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(calls).toHaveLength(4);
  });
});
