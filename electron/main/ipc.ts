/**
 * Every IPC handler is registered here, through one validating wrapper: the sender must be the
 * top frame of our own renderer (app://fieldbook, or the dev server) and the payload must
 * match the contract's zod schema. Anything else is rejected and logged. Main→renderer events go
 * through the same contract.
 */
import { z } from 'zod';
import { INVOKE_CHANNELS, eventContract, eventIpcName, invokeContract } from '#shared/ipc/contract';
import type { EventChannel, EventPayload, InvokeChannel, InvokeRequest, InvokeResponse } from '#shared/ipc/contract';

/** What of Electron's IpcMainInvokeEvent we rely on (senderFrame is null once the frame is gone). */
export interface InvokeEventLike {
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
}

export type Handlers = {
  [C in InvokeChannel]: (payload: InvokeRequest<C>) => Promise<InvokeResponse<C>> | InvokeResponse<C>;
};

export interface IpcLog {
  warn(message: string): void;
}

export class IpcRejectedError extends Error {
  override readonly name = 'IpcRejectedError';
}

export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: Handlers, isAppUrl: (url: string) => boolean, log: IpcLog): void {
  for (const channel of INVOKE_CHANNELS) handleValidated(ipcMain, channel, handlers[channel], isAppUrl, log);
}

/** The validating wrapper: the only place that calls ipcMain.handle (the static check enforces it). */
function handleValidated<C extends InvokeChannel>(
  ipcMain: IpcMainLike,
  channel: C,
  handler: Handlers[C],
  isAppUrl: (url: string) => boolean,
  log: IpcLog,
): void {
  const schema: z.ZodType = invokeContract[channel].request;
  ipcMain.handle(channel, async (event, ...args) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) {
      log.warn(`IPC ${channel} rejected: sender ${frame ? frame.url : '(destroyed frame)'} is not the app`);
      throw new IpcRejectedError(`${channel}: sender is not the app window`);
    }
    if (args.length > 1) throw new IpcRejectedError(`${channel}: expected one argument, got ${args.length}`);
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) {
      log.warn(`IPC ${channel} rejected: invalid payload`);
      throw new IpcRejectedError(`${channel}: invalid payload: ${z.prettifyError(parsed.error)}`);
    }
    return handler(parsed.data as InvokeRequest<C>);
  });
}

export interface WebContentsLike {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
  isLoading(): boolean;
  on(event: 'did-finish-load', listener: () => void): unknown;
}

/**
 * Sends typed events to the renderer. Events raised before the page has loaded (a reminder
 * clicked at cold start, missed reminders found at launch) are queued and delivered on load.
 */
export class EventSender {
  private contents: WebContentsLike | null = null;
  private queue: { channel: string; payload: unknown }[] = [];

  attach(contents: WebContentsLike): void {
    this.contents = contents;
    contents.on('did-finish-load', () => this.flush());
    if (!contents.isLoading()) this.flush();
  }

  send<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    const checked: unknown = eventContract[event].parse(payload);
    const item = { channel: eventIpcName(event), payload: checked };
    const c = this.contents;
    if (c && !c.isDestroyed() && !c.isLoading()) c.send(item.channel, item.payload);
    else this.queue.push(item);
  }

  private flush(): void {
    const c = this.contents;
    if (!c || c.isDestroyed()) return;
    const pending = this.queue.splice(0);
    for (const item of pending) c.send(item.channel, item.payload);
  }
}
