/**
 * Channel names only, without schemas, so the sandboxed preload can import them without
 * pulling zod into a bundle that may only require('electron'). contract.ts keys its schemas
 * by these lists and fails to compile if the two drift.
 */
export const INVOKE_CHANNELS = [
  'http:request',
  'auth:signIn',
  'auth:signOut',
  'auth:session',
  'reminders:set',
  'settings:quietHours',
  'settings:startAtLogin',
  'tray:counts',
  'logs:export',
  'app:openExternal',
  'reminders:action',
  'caldav:setCredential',
  'caldav:clearCredential',
  'caldav:credential',
  'caldav:request',
] as const;

export const EVENT_CHANNELS = ['reminderClicked', 'remindersMissed', 'resumed', 'online', 'syncNow', 'reminderDue'] as const;

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];
export type EventChannel = (typeof EVENT_CHANNELS)[number];

/** IPC channel name of a main→renderer event; prefixed so it cannot collide with invoke channels. */
export function eventIpcName(event: EventChannel): `event:${EventChannel}` {
  return `event:${event}`;
}

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (EVENT_CHANNELS as readonly string[]).includes(value);
}
