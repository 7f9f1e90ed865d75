import { localDay, localParts, localToUtc, monthWindow } from "@/lib/limits/windows";

export const monthStart = (at: Date, tz: string) => monthWindow(at, tz).start;

/** Midnight of the local day `days` after the one `at` falls in. */
export function localMidnight(at: Date, tz: string, days = 0): Date {
  const { y, m, d } = localParts(at, tz);
  return localToUtc(y, m, d + days, 0, tz);
}

/** Midnight starting a local calendar date "2026-11-30". */
export function midnightOf(date: string, tz: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const at = localToUtc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 0, tz);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** "2026-11" for the local month an instant falls in. */
export const localMonth = (at: Date, tz: string) => localDay(at, tz).slice(0, 7);

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
