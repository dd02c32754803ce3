/**
 * What the renderer needs from where it runs. Web mode implements it with window.fetch, Web
 * Notifications and an in-memory token; the desktop implements it over the preload bridge
 * (window.fieldbook), with the HTTP request made in main and the token kept there.
 */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, relative to the CRM base URL, e.g. /api/v1/crm/activities?page=2 */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A transport failure before any response (offline, reset, timeout): the outcome of a write is unknown. */
export interface TransportFailure {
  kind: 'network' | 'timeout';
  message: string;
}

/** Fetch-like port the CRM client speaks through. Rejects with a TransportFailure-shaped Error. */
export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(readonly kind: TransportFailure['kind'], message: string) {
    super(message);
  }
}

export interface ReminderItem {
  lid: string;
  subject: string;
  /** ISO instant the reminder is due. */
  reminder_at: string;
  due_at: string | null;
  type: string;
  entity_name: string | null;
  location: string | null;
  phone: string | null;
  /** IANA zone of the customer/contact, when known. */
  customer_time_zone?: string | null;
}

import type { SnoozeChoice } from '../domain/reminders.ts';
import type { DavTransport } from '../caldav/client.ts';
export type { SnoozeChoice };
/** What the rep did with a reminder shown inside the app: a snooze, or it is handled (no more snoozes). */
export type ReminderAction = SnoozeChoice | 'done' | 'dismiss';

export interface PlatformEvents {
  /** The rep clicked a reminder (or "Done" on it): open that activity (outcome entry when done). */
  reminderClicked: { lid: string; action: 'open' | 'done' };
  /** Missed while away: one summary; the app lists them. */
  remindersMissed: { lids: string[] };
  /** System resumed from sleep or came back online: sync now. */
  resumed: Record<string, never>;
  online: { online: boolean };
  /** Tray "Sync now". */
  syncNow: Record<string, never>;
  /**
   * A reminder to show inside the app (the reminder centre): web mode sends every due one, the
   * desktop those the OS did not show. `key` names this trigger for reminderAction.
   */
  reminderDue: { key: string; reminder: ReminderItem };
}

/**
 * Whether the browser engine promised to keep the app's storage (IndexedDB: the outbox, the
 * rep's unsynced work) under disk pressure: navigator.storage.persist(), asked once at start.
 * 'refused': it may evict it; 'unsupported': no such API here (treated like refused by the UI).
 */
export type DurableStorage = 'granted' | 'refused' | 'unsupported';

/** The calendar account's address and user name as the renderer may see them (never the password). */
export interface CalDavCredentialInfo {
  /** http(s) origin and optional path the rep entered, e.g. https://caldav.example.com/dav/ */
  serverUrl: string;
  username: string;
  /** False when the OS offers no secure storage (or in web mode): the password lives only until the app quits. */
  persisted: boolean;
}

/**
 * The CalDAV account (issue #14). The password goes in once, with setCredential, and stays where
 * the platform keeps secrets (desktop: main, encrypted with safeStorage); every request then goes
 * through `transport`, which is bound to the server's origin and adds HTTP Basic auth itself.
 */
export interface CalDavPort {
  setCredential(c: { serverUrl: string; username: string; password: string }): Promise<{ persisted: boolean }>;
  clearCredential(): Promise<void>;
  credential(): Promise<CalDavCredentialInfo | null>;
  /** shared/caldav/client.ts's DavTransport; rejects with TransportError when there is no answer (or no account). */
  transport: DavTransport;
}

export interface Platform {
  kind: 'web' | 'electron';
  transport: Transport;
  /** The calendar account (CalDAV): credential and transport. */
  caldav?: CalDavPort;
  /** The answer to the persistent-storage request made when the platform was created. */
  durableStorage(): Promise<DurableStorage>;
  /** Store the CRM address and token (desktop: in main, encrypted with safeStorage). */
  signIn(baseUrl: string, token: string): Promise<void>;
  signOut(): Promise<void>;
  /**
   * The CRM address when signed in; the token never comes back to the renderer.
   * tokenPersisted (desktop): false when the OS has no secure storage and the token lives in memory only.
   */
  session(): Promise<{ baseUrl: string; signedIn: boolean; tokenPersisted?: boolean }>;
  /** Upcoming reminders (open activities with reminder_at), sent whenever they change. */
  setReminders(items: ReminderItem[]): Promise<void>;
  setQuietHours(q: { start: string; end: string } | null): Promise<void>;
  /** Tray counts (desktop). */
  setCounts(c: { today: number; overdue: number }): Promise<void>;
  on<K extends keyof PlatformEvents>(event: K, listener: (payload: PlatformEvents[K]) => void): () => void;
  exportLogs(): Promise<string | null>;
  /** The rep snoozed, finished or dismissed a reminder shown in the reminder centre. */
  reminderAction?(key: string, action: ReminderAction): Promise<void>;
}
