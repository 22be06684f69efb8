import { z } from 'zod';

/** Where the window was; parsed on read, since the file is outside our control. */
export const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 };

/**
 * The bounds to open with: the saved ones if enough of the window lands on a
 * display that is still there (a monitor may have been unplugged), else the
 * default size, centred by the OS. Pure, unit-tested.
 */
export function restoreBounds(
  saved: unknown,
  workAreas: readonly Rect[],
): { bounds: Partial<Rect>; maximized: boolean } {
  const parsed = WindowStateSchema.safeParse(saved);
  if (!parsed.success) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  const s = parsed.data;
  const visible = workAreas.some((a) => {
    const w = Math.min(s.x + s.width, a.x + a.width) - Math.max(s.x, a.x);
    const h = Math.min(s.y + s.height, a.y + a.height) - Math.max(s.y, a.y);
    // The title bar must be reachable: at least 100×50 px on one display.
    return w >= 100 && h >= 50 && s.y >= a.y - 10;
  });
  if (!visible)
    return {
      bounds: { width: s.width, height: s.height },
      maximized: s.maximized,
    };
  return { bounds: { x: s.x, y: s.y, width: s.width, height: s.height }, maximized: s.maximized };
}

/** What to keep of the window as it closes; null when the bounds make no sense (never saved). */
export function savedWindowState(bounds: Rect, maximized: boolean): WindowState | null {
  const saved = WindowStateSchema.safeParse({ ...bounds, maximized });
  return saved.success ? saved.data : null;
}
