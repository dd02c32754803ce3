import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

const trays: FakeTray[] = [];
class FakeTray {
  menu: MenuItemConstructorOptions[] = [];
  tooltip = '';
  listeners = new Map<string, () => void>();
  constructor() {
    trays.push(this);
  }
  setContextMenu(menu: { template: MenuItemConstructorOptions[] }): void {
    this.menu = menu.template;
  }
  setToolTip(t: string): void {
    this.tooltip = t;
  }
  on(event: string, listener: () => void): void {
    this.listeners.set(event, listener);
  }
  destroy(): void {}
}

vi.mock('electron', () => ({
  Tray: FakeTray,
  Menu: { buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }) },
}));

const { TrayController } = await import('./tray.ts');

function label(tray: FakeTray | undefined, id: string): string | undefined {
  return tray?.menu.find((i) => i.id === id)?.label;
}

function clickItem(tray: FakeTray | undefined, id: string, checked = false): void {
  const item = tray?.menu.find((i) => i.id === id);
  if (!item?.click) throw new Error(`no clickable ${id}`);
  // The click handler only reads `checked` from the item; the rest of Electron's arguments are unused.
  (item.click as (i: { checked: boolean }) => void)({ checked });
}

describe('tray', () => {
  function setup() {
    const actions = { open: vi.fn(), syncNow: vi.fn(), setPaused: vi.fn(), quit: vi.fn() };
    const icon = {} as Electron.NativeImage;
    const controller = new TrayController(icon, { today: 0, overdue: 0, paused: false }, actions);
    return { controller, actions, tray: trays.at(-1) };
  }

  it('shows Open, the counts, Sync now, Pause reminders and Quit', () => {
    const { tray } = setup();
    expect(tray?.menu.filter((i) => i.type !== 'separator').map((i) => i.label)).toEqual([
      'Open Fieldbook',
      'Today: 0',
      'Overdue: 0',
      'Sync now',
      'Pause reminders',
      'Quit Fieldbook',
    ]);
  });

  it('counts follow the data sent over tray:counts', () => {
    const { controller, tray } = setup();
    controller.setCounts({ today: 7, overdue: 3 });
    expect(label(tray, 'today')).toBe('Today: 7');
    expect(label(tray, 'overdue')).toBe('Overdue: 3');
    expect(tray?.tooltip).toBe('Fieldbook: 7 today, 3 overdue');
    controller.setCounts({ today: 6, overdue: 0 });
    expect(label(tray, 'today')).toBe('Today: 6');
    expect(label(tray, 'overdue')).toBe('Overdue: 0');
  });

  it('menu items do what they say; the pause checkbox reflects state', () => {
    const { controller, tray, actions } = setup();
    clickItem(tray, 'open');
    clickItem(tray, 'sync');
    clickItem(tray, 'pause', true);
    clickItem(tray, 'quit');
    expect(actions.open).toHaveBeenCalledTimes(1);
    expect(actions.syncNow).toHaveBeenCalledTimes(1);
    expect(actions.setPaused).toHaveBeenCalledWith(true);
    expect(actions.quit).toHaveBeenCalledTimes(1);
    controller.setPaused(true);
    expect(tray?.menu.find((i) => i.id === 'pause')?.checked).toBe(true);
    expect(tray?.tooltip).toContain('reminders paused');
  });
});
