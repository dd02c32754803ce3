/** The tray: the app lives here when its window is closed. Counts come from the renderer ('tray:counts'). */
import { Menu, Tray } from 'electron';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';

export interface TrayState {
  today: number;
  overdue: number;
  paused: boolean;
}

export interface TrayActions {
  open(): void;
  syncNow(): void;
  setPaused(paused: boolean): void;
  quit(): void;
}

export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'open', label: 'Open Fieldbook', click: () => actions.open() },
    { type: 'separator' },
    { id: 'today', label: `Today: ${state.today}`, click: () => actions.open() },
    { id: 'overdue', label: `Overdue: ${state.overdue}`, click: () => actions.open() },
    { type: 'separator' },
    { id: 'sync', label: 'Sync now', click: () => actions.syncNow() },
    {
      id: 'pause',
      label: 'Pause reminders',
      type: 'checkbox',
      checked: state.paused,
      click: (item) => actions.setPaused(item.checked),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Fieldbook', click: () => actions.quit() },
  ];
}

export function trayTooltip(state: TrayState): string {
  const paused = state.paused ? ' · reminders paused' : '';
  return `Fieldbook: ${state.today} today, ${state.overdue} overdue${paused}`;
}

export class TrayController {
  private readonly tray: Tray;
  private state: TrayState;

  constructor(icon: NativeImage, initial: TrayState, private readonly actions: TrayActions) {
    this.state = initial;
    this.tray = new Tray(icon);
    // Left click opens the window on Windows/Linux; macOS shows the menu on click by convention.
    if (process.platform !== 'darwin') this.tray.on('click', () => actions.open());
    this.render();
  }

  setCounts(c: { today: number; overdue: number }): void {
    this.state = { ...this.state, ...c };
    this.render();
  }

  setPaused(paused: boolean): void {
    this.state = { ...this.state, paused };
    this.render();
  }

  destroy(): void {
    this.tray.destroy();
  }

  private render(): void {
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(this.state, this.actions)));
    this.tray.setToolTip(trayTooltip(this.state));
  }
}
