/**
 * The only bridge between the sandboxed renderer and main: one object, `window.fieldbook`,
 * typed by the shared contract. Channel names are checked here too, so a compromised renderer
 * cannot reach arbitrary ipcMain channels through this object. Payloads are validated in main.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNELS, eventIpcName, isEventChannel, isInvokeChannel } from '#shared/ipc/channels';
import type { EventChannel, InvokeChannel } from '#shared/ipc/channels';
import type { EventPayload, FieldbookBridge, InvokeResponse } from '#shared/ipc/contract';

type AnyListener = (payload: unknown) => void;
const MAX_BUFFERED = 50;

const subscribers = new Map<EventChannel, Set<AnyListener>>(EVENT_CHANNELS.map((e) => [e, new Set<AnyListener>()]));
/**
 * Events that arrive before the app subscribes (a reminder clicked at cold start, reminders
 * missed while the machine was off) are kept and handed to the first subscriber, because the
 * preload runs before any page script and React subscribes only after its first render.
 */
const early = new Map<EventChannel, unknown[]>();

for (const event of EVENT_CHANNELS) {
  // The IpcRendererEvent (it carries `sender`) is never handed to the page.
  ipcRenderer.on(eventIpcName(event), (_e, payload: unknown) => {
    const subs = subscribers.get(event);
    if (subs && subs.size > 0) for (const l of subs) l(payload);
    else early.set(event, [...(early.get(event) ?? []), payload].slice(-MAX_BUFFERED));
  });
}

export const bridge = {
  kind: 'electron',
  invoke<C extends InvokeChannel>(channel: C, ...args: [payload?: unknown]): Promise<InvokeResponse<C>> {
    if (!isInvokeChannel(channel)) return Promise.reject(new Error(`Unknown channel: ${String(channel)}`));
    return ipcRenderer.invoke(channel, args[0]) as Promise<InvokeResponse<C>>;
  },
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!isEventChannel(event)) throw new Error(`Unknown event: ${String(event)}`);
    const l = listener as AnyListener;
    subscribers.get(event)?.add(l);
    const buffered = early.get(event);
    if (buffered) {
      early.delete(event);
      for (const payload of buffered) l(payload);
    }
    return () => {
      subscribers.get(event)?.delete(l);
    };
  },
} satisfies FieldbookBridge;

contextBridge.exposeInMainWorld('fieldbook', bridge);
