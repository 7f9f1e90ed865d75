/*
 * Two kinds of windows. Rate limits (requests per minute, output tokens per
 * hour and per day) slide: they count what was used in the last minute, hour
 * or day, kept in small buckets. Budgets follow the calendar month in the
 * platform's time zone and start at zero when it begins.
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
export function localToUtc(y: number, m: number, d: number, h: number, tz: string): Date {
  const guess = Date.UTC(y, m, d, h);
  const first = guess - offsetMs(new Date(guess), tz);
  return new Date(guess - offsetMs(new Date(first), tz));
}

export function localParts(at: Date, tz: string) {
  const local = new Date(at.getTime() + offsetMs(at, tz));
  return { y: local.getUTCFullYear(), m: local.getUTCMonth(), d: local.getUTCDate(), h: local.getUTCHours() };
}

export interface Window {
  start: Date;
  end: Date;
}

/**
 * A sliding window: the bucket a new request counts in, and the oldest
 * bucket still counted. Every bucket that overlaps the last `spanMs` counts,
 * so a unit counts for `spanMs` to `spanMs + bucketMs` after it was used and
 * no span of `spanMs` ever holds more than the limit.
 */
export interface SlidingWindow {
  bucket: Window;
  since: Date;
  spanMs: number;
  bucketMs: number;
}

/*
 * Every request reads the windows it counts in: the last one computed of each kind (and of each time zone's
 * month) is kept, and given again while it holds. Windows are shared: never change one.
 */
const lastSliding = new Map<string, SlidingWindow>();
const lastMonth = new Map<string, Window>();

export function slidingWindow(at: Date, spanMs: number, bucketMs: number): SlidingWindow {
  const t = at.getTime();
  const id = `${spanMs}/${bucketMs}`;
  const last = lastSliding.get(id);
  if (last && last.bucket.start.getTime() <= t && t < last.bucket.end.getTime()) return last;
  const start = Math.floor(t / bucketMs) * bucketMs;
  const w: SlidingWindow = { bucket: { start: new Date(start), end: new Date(start + bucketMs) }, since: new Date(start - spanMs), spanMs, bucketMs };
  if (lastSliding.size > 100) lastSliding.clear();
  lastSliding.set(id, w);
  return w;
}

/** When the units of a bucket stop counting. */
export const leavesWindowAt = (bucketStart: Date, w: Pick<SlidingWindow, "spanMs" | "bucketMs">) => new Date(bucketStart.getTime() + w.spanMs + w.bucketMs);

/** The sliding windows of the rate limits: span and bucket size. */
export const SLIDING = {
  requests: { spanMs: MINUTE, bucketMs: 5_000 },
  tokensHour: { spanMs: HOUR, bucketMs: MINUTE },
  tokensDay: { spanMs: 24 * HOUR, bucketMs: 15 * MINUTE },
} as const;

export function monthWindow(at: Date, tz: string): Window {
  const t = at.getTime();
  const last = lastMonth.get(tz);
  if (last && last.start.getTime() <= t && t < last.end.getTime()) return last;
  const { y, m } = localParts(at, tz);
  const w = { start: localToUtc(y, m, 1, 0, tz), end: localToUtc(y, m + 1, 1, 0, tz) };
  if (lastMonth.size > 100) lastMonth.clear();
  lastMonth.set(tz, w);
  return w;
}

/** The local calendar date (YYYY-MM-DD) of an instant, for daily rollups. */
export function localDay(at: Date, tz: string): string {
  const { y, m, d } = localParts(at, tz);
  return `${y}-${String(m + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export const unixSeconds = (d: Date) => Math.floor(d.getTime() / 1000);
export { HOUR };

/** The limits' kinds: three sliding rate limits and the calendar month's budget. */
export type LimitKind = keyof typeof SLIDING | "spendMonth";

export const isSliding = (w: SlidingWindow | Window): w is SlidingWindow => "since" in w;

/** The window a limit of this kind counts in at `at`. */
export function windowOf(kind: LimitKind, at: Date, tz: string): SlidingWindow | Window {
  return kind === "spendMonth" ? monthWindow(at, tz) : slidingWindow(at, SLIDING[kind].spanMs, SLIDING[kind].bucketMs);
}

/**
 * Which counter rows a window reads: its current bucket (or the month) and, sliding, the oldest bucket still
 * counted and the next one (a lease for it may be held already, taken just before it starts).
 */
export function countedRange(w: SlidingWindow | Window): { windowStart: Date; since: Date | null; until: Date | null } {
  return isSliding(w) ? { windowStart: w.bucket.start, since: w.since, until: w.bucket.end } : { windowStart: w.start, since: null, until: null };
}

/**
 * When a window's remaining next grows: the month's end, or for a sliding
 * window the moment its oldest counted units leave it (now, when it counts nothing).
 */
export function resetAt(w: SlidingWindow | Window, oldest: Date | null, at: Date): Date {
  if (!isSliding(w)) return w.end;
  return oldest ? leavesWindowAt(oldest, w) : at;
}
