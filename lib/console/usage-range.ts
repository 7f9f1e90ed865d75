import { localDay } from "@/lib/limits/windows";
import { localMidnight, midnightOf, monthStart } from "./zone";

export const RANGES = ["today", "7d", "30d", "month", "last-month", "custom"] as const;
export type RangeName = (typeof RANGES)[number];

export const RANGE_LABELS: Record<RangeName, string> = {
  today: "Today",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  month: "This month",
  "last-month": "Last month",
  custom: "Custom",
};

export interface UsageRange {
  name: RangeName;
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Hours up to 7 days, days beyond. */
  resolution: "hour" | "day";
  /** Local dates of the first and last day, for the custom inputs. */
  fromDate: string;
  toDate: string;
}

const DAY_MS = 86_400_000;

/**
 * The range a dashboard shows, in the account's time zone: whole local days
 * (today so far counts as a day). An unknown or inverted custom range falls
 * back to the last 7 days.
 */
export function resolveRange(input: { range?: string; from?: string; to?: string }, tz: string, now = new Date()): UsageRange {
  const name = (RANGES as readonly string[]).includes(input.range ?? "") ? (input.range as RangeName) : "7d";
  const tomorrow = localMidnight(now, tz, 1);
  let from: Date;
  let to = tomorrow;
  switch (name) {
    case "today":
      from = localMidnight(now, tz);
      break;
    case "30d":
      from = localMidnight(now, tz, -29);
      break;
    case "month":
      from = monthStart(now, tz);
      to = monthStart(new Date(from.getTime() + 32 * DAY_MS), tz);
      break;
    case "last-month":
      to = monthStart(now, tz);
      from = monthStart(new Date(to.getTime() - DAY_MS), tz);
      break;
    case "custom": {
      const f = input.from ? midnightOf(input.from, tz) : null;
      const t = input.to ? midnightOf(input.to, tz) : null;
      if (f && t && f <= t && t.getTime() - f.getTime() <= 400 * DAY_MS) {
        from = f;
        to = localMidnight(t, tz, 1);
        break;
      }
      return resolveRange({ range: "7d" }, tz, now);
    }
    default:
      from = localMidnight(now, tz, -6);
  }
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  return { name, from, to, resolution: days <= 7 ? "hour" : "day", fromDate: localDay(from, tz), toDate: localDay(new Date(to.getTime() - 1), tz) };
}

/** The start of every bucket of the range, so that charts show empty hours and days as zero. */
export function bucketStarts(range: UsageRange, tz: string): Date[] {
  const out: Date[] = [];
  if (range.resolution === "hour") {
    for (let t = range.from.getTime(); t < range.to.getTime(); t += 3_600_000) out.push(new Date(t));
  } else {
    for (let d = range.from; d < range.to; d = localMidnight(new Date(d.getTime() + 12 * 3_600_000), tz, 1)) out.push(d);
  }
  return out;
}
