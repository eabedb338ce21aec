/**
 * Pure display formatters. No DOM, no Solid: unit-tested in Node.
 * Invalid input (NaN, ±Infinity, negative) never throws — the UI shows a neutral placeholder instead.
 */

/** Shown where a duration or time is unknown or invalid. */
export const UNKNOWN_TIME = '–:––';

function isValidSeconds(seconds: number | null | undefined): seconds is number {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0;
}

/** `m:ss` below an hour, `h:mm:ss` from an hour on. */
function clock(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A video's length, rounded to the nearest second: 75.4 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number | null | undefined): string {
  return isValidSeconds(seconds) ? clock(Math.round(seconds)) : UNKNOWN_TIME;
}

/**
 * A position inside a video, floored like a player's clock, so a scene that starts at 9.9 s reads
 * "0:09" — the second it is actually in.
 */
export function formatTimecode(seconds: number | null | undefined): string {
  return isValidSeconds(seconds) ? clock(Math.floor(seconds)) : UNKNOWN_TIME;
}

/** A span of time, e.g. a scene: "0:10–0:20". */
export function formatTimeRange(startS: number, endS: number): string {
  return `${formatTimecode(startS)}–${formatTimecode(endS)}`;
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** Decimal (SI) sizes as file managers show them: 1500 → "1.5 kB", 15_000_000 → "15 MB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return '';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // Round first, then re-check: 999_950 rounds to "1000 kB", which should read "1 MB".
  let rounded = unit === 0 || value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  if (rounded >= 1000 && unit < BYTE_UNITS.length - 1) {
    rounded = 1;
    unit++;
  }
  return `${rounded} ${BYTE_UNITS[unit]}`;
}

/** "1920×1080", or '' when either side is unknown. */
export function formatResolution(width: number | null | undefined, height: number | null | undefined): string {
  if (!width || !height || width <= 0 || height <= 0) return '';
  return `${width}×${height}`;
}

/** Frame rate with at most two decimals and no trailing zeros: 29.97002997 → "29.97 fps", 25 → "25 fps". */
export function formatFps(fps: number | null | undefined): string {
  if (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0) return '';
  return `${Number(fps.toFixed(2))} fps`;
}

/** A 0..1 fraction as a whole percentage, clamped: 0.456 → 46. */
export function toPercent(fraction: number | null | undefined): number {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction)) return 0;
  return Math.round(Math.min(1, Math.max(0, fraction)) * 100);
}

/**
 * Time left, rounded as people say it: "a few seconds left", "about 40 s left", "about 3 min left",
 * "about 1 h 20 min left"; '' for an invalid value.
 */
export function formatTimeLeft(seconds: number | null | undefined): string {
  if (!isValidSeconds(seconds)) return '';
  if (seconds < 10) return 'a few seconds left';
  if (seconds < 55) return `about ${Math.round(seconds / 5) * 5} s left`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return `about ${minutes} min left`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `about ${h} h left` : `about ${h} h ${m} min left`;
}

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}
