/** Window size and position, remembered in userData/window-state.json. */
import { z } from 'zod';
import { jsonFile } from './json-file.ts';
import type { JsonFile } from './json-file.ts';

export const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };

export function windowStateFile(path: string, warn: (msg: string) => void): JsonFile<WindowState> {
  return jsonFile(path, windowStateSchema, warn);
}

/**
 * Restores the saved bounds only if enough of the window would be on a display that exists now
 * (a monitor may have been unplugged); otherwise keeps the size and lets the OS place it.
 */
export function restorableState(saved: WindowState | null, workAreas: Rect[]): WindowState {
  if (!saved) return DEFAULT_WINDOW_STATE;
  const { x, y } = saved;
  if (x === undefined || y === undefined) return saved;
  const visible = workAreas.some((a) => overlap(x, saved.width, a.x, a.width) >= 100 && overlap(y, saved.height, a.y, a.height) >= 50);
  if (visible) return saved;
  const { x: _x, y: _y, ...rest } = saved;
  return rest;
}

function overlap(start: number, size: number, areaStart: number, areaSize: number): number {
  return Math.min(start + size, areaStart + areaSize) - Math.max(start, areaStart);
}

export interface TrackableWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  on(event: 'resize' | 'move' | 'close', listener: () => void): unknown;
}

/** Saves on close and, debounced, while resizing or moving (a crash should not lose it). */
export function trackWindowState(win: TrackableWindow, file: JsonFile<WindowState>): void {
  let timer: NodeJS.Timeout | undefined;
  const save = (): void => {
    clearTimeout(timer);
    const b = win.getNormalBounds();
    file.write({ x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height), maximized: win.isMaximized() });
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, 1000);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('close', save);
}
