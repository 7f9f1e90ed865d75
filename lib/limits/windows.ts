/*
 * Fixed windows: the calendar minute, hour and day, and the calendar month,
 * in the platform's time zone. A window's counters start at zero when it begins.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Building a formatter is costly (tens of microseconds): one per time zone, kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of `tz` from UTC at `at`, in milliseconds. */
function offsetMs(at: Date, tz: string): number {
  if (tz === "UTC" || tz === "Etc/UTC") return 0;
  const parts = formatter(tz).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant that local wall time `y-m-d h:00` in `tz` denotes. */
function localToUtc(y: number, m: number, d: number, h: number, tz: string): Date {
  const guess = Date.UTC(y, m, d, h);
  const first = guess - offsetMs(new Date(guess), tz);
  return new Date(guess - offsetMs(new Date(first), tz));
}

function localParts(at: Date, tz: string) {
  const local = new Date(at.getTime() + offsetMs(at, tz));
  return { y: local.getUTCFullYear(), m: local.getUTCMonth(), d: local.getUTCDate(), h: local.getUTCHours() };
}

export interface Window {
  start: Date;
  end: Date;
}

export function minuteWindow(at: Date): Window {
  const start = Math.floor(at.getTime() / MINUTE) * MINUTE;
  return { start: new Date(start), end: new Date(start + MINUTE) };
}

export function hourWindow(at: Date, tz: string): Window {
  const { y, m, d, h } = localParts(at, tz);
  const start = localToUtc(y, m, d, h, tz);
  return { start, end: localToUtc(y, m, d, h + 1, tz) };
}

export function dayWindow(at: Date, tz: string): Window {
  const { y, m, d } = localParts(at, tz);
  return { start: localToUtc(y, m, d, 0, tz), end: localToUtc(y, m, d + 1, 0, tz) };
}

export function monthWindow(at: Date, tz: string): Window {
  const { y, m } = localParts(at, tz);
  return { start: localToUtc(y, m, 1, 0, tz), end: localToUtc(y, m + 1, 1, 0, tz) };
}

/** The local calendar date (YYYY-MM-DD) of an instant, for daily rollups. */
export function localDay(at: Date, tz: string): string {
  const { y, m, d } = localParts(at, tz);
  return `${y}-${String(m + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export const unixSeconds = (d: Date) => Math.floor(d.getTime() / 1000);
export { HOUR };
