/** The scheduler's Notifier on top of Electron's native Notification. */
import { Notification } from 'electron';
import type { NativeImage } from 'electron';
import type { NoticeHandlers, Notifier, ReminderNotice } from './reminders.ts';

/** Notification action buttons exist on macOS and Windows only; Linux gets click-to-open. */
export function platformSupportsActions(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

export class ElectronNotifier implements Notifier {
  // Held until closed: a garbage-collected Notification loses its click/action handlers.
  private readonly live = new Map<string, Notification>();

  constructor(
    private readonly icon: NativeImage | undefined,
    private readonly log: { warn(msg: string): void },
  ) {}

  show(notice: ReminderNotice, handlers: NoticeHandlers): boolean {
    if (!Notification.isSupported()) {
      this.log.warn(`notifications unsupported here; reminder "${notice.title}" shown in the app instead`);
      return false;
    }
    this.live.get(notice.id)?.close();
    const n = new Notification({
      id: notice.id,
      title: notice.title,
      body: notice.body,
      actions: notice.actions.map((text) => ({ type: 'button' as const, text })),
      timeoutType: 'never',
      ...(this.icon ? { icon: this.icon } : {}),
    });
    n.on('click', () => handlers.click());
    n.on('action', (details) => handlers.action(details.actionIndex));
    n.on('close', () => this.live.delete(notice.id));
    n.on('failed', (_e, error) => this.log.warn(`the OS did not show reminder "${notice.title}": ${error}`));
    this.live.set(notice.id, n);
    n.show();
    return true;
  }
}
