/**
 * The only bridge between the sandboxed renderer and main: one object, `window.fieldbook`,
 * typed by the shared contract. Channel names are checked here too, so a compromised renderer
 * cannot reach arbitrary ipcMain channels through this object. Payloads are validated in main.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { eventIpcName, isEventChannel, isInvokeChannel } from '#shared/ipc/channels';
import type { EventChannel, InvokeChannel } from '#shared/ipc/channels';
import type { EventPayload, FieldbookBridge, InvokeResponse } from '#shared/ipc/contract';

export const bridge = {
  kind: 'electron',
  invoke<C extends InvokeChannel>(channel: C, ...args: [payload?: unknown]): Promise<InvokeResponse<C>> {
    if (!isInvokeChannel(channel)) return Promise.reject(new Error(`Unknown channel: ${String(channel)}`));
    return ipcRenderer.invoke(channel, args[0]) as Promise<InvokeResponse<C>>;
  },
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!isEventChannel(event)) throw new Error(`Unknown event: ${String(event)}`);
    const name = eventIpcName(event);
    // Never hand the IpcRendererEvent (it carries `sender`) to the page.
    const wrapped = (_e: IpcRendererEvent, payload: EventPayload<E>): void => listener(payload);
    ipcRenderer.on(name, wrapped);
    return () => {
      ipcRenderer.removeListener(name, wrapped);
    };
  },
} satisfies FieldbookBridge;

contextBridge.exposeInMainWorld('fieldbook', bridge);
