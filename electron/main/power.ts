/** Sleep/wake and connectivity triggers: after resume or reconnect the app catches up and syncs. */
import type { PowerMonitor } from 'electron';

export interface PowerDeps {
  powerMonitor: Pick<PowerMonitor, 'on'>;
  /** Re-check reminders against the wall clock and ask the renderer to sync. */
  onResume(): void;
}

export function watchPower(deps: PowerDeps): void {
  deps.powerMonitor.on('resume', () => deps.onResume());
  // Unlocking after a long lock looks like a resume to the rep, even without sleep.
  deps.powerMonitor.on('unlock-screen', () => deps.onResume());
}

/**
 * Watches the OS connectivity flag on each tick; a false→true edge is a reconnect worth a sync
 * (the sync's own requests then decide whether the CRM is really reachable).
 */
export class ConnectivityWatch {
  private last: boolean;

  constructor(
    private readonly isOnline: () => boolean,
    private readonly onChange: (online: boolean) => void,
  ) {
    this.last = isOnline();
  }

  check(): void {
    const now = this.isOnline();
    if (now !== this.last) {
      this.last = now;
      this.onChange(now);
    }
  }
}
