import { describe, expect, it } from "vitest";
import { SLIDING, leavesWindowAt, localDay, monthWindow, slidingWindow } from "./windows";

describe("windows", () => {
  const at = new Date("2026-03-31T22:30:15Z");

  it("slides rate-limit windows over buckets that cover the whole span", () => {
    const hour = slidingWindow(at, SLIDING.tokensHour.spanMs, SLIDING.tokensHour.bucketMs);
    expect(hour.bucket).toEqual({ start: new Date("2026-03-31T22:30:00Z"), end: new Date("2026-03-31T22:31:00Z") });
    expect(hour.since).toEqual(new Date("2026-03-31T21:30:00Z"));
    // Units of the 21:30 minute stop counting when the hour after that minute is over.
    expect(leavesWindowAt(hour.since, hour)).toEqual(new Date("2026-03-31T22:31:00Z"));
    const day = slidingWindow(at, SLIDING.tokensDay.spanMs, SLIDING.tokensDay.bucketMs);
    expect(day.bucket.start).toEqual(new Date("2026-03-31T22:30:00Z"));
    expect(day.since).toEqual(new Date("2026-03-30T22:30:00Z"));
    const minute = slidingWindow(at, SLIDING.requests.spanMs, SLIDING.requests.bucketMs);
    expect(minute.bucket).toEqual({ start: new Date("2026-03-31T22:30:15Z"), end: new Date("2026-03-31T22:30:20Z") });
    expect(minute.since).toEqual(new Date("2026-03-31T22:29:15Z"));
  });

  it("cuts UTC months", () => {
    expect(monthWindow(at, "UTC")).toEqual({ start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") });
    expect(localDay(at, "UTC")).toBe("2026-03-31");
  });

  it("follows the configured time zone, across daylight saving time", () => {
    // 00:30 on 1 April in Paris (UTC+2 in summer): already April there.
    expect(monthWindow(at, "Europe/Paris")).toEqual({ start: new Date("2026-03-31T22:00:00Z"), end: new Date("2026-04-30T22:00:00Z") });
    expect(localDay(at, "Europe/Paris")).toBe("2026-04-01");
    // March in Paris began in winter time (UTC+1).
    expect(monthWindow(new Date("2026-03-15T12:00:00Z"), "Europe/Paris").start.toISOString()).toBe("2026-02-28T23:00:00.000Z");
    expect(localDay(new Date("2026-03-29T22:30:00Z"), "Europe/Paris")).toBe("2026-03-30");
  });

  it("gives the same windows when asked again within them, and the right ones across every boundary, back in time too", () => {
    const times = [
      "2026-03-31T21:59:59.999Z",
      "2026-03-31T22:00:00Z",
      "2026-03-31T22:00:04.999Z",
      "2026-03-31T22:00:05Z",
      "2026-03-31T21:00:00Z",
      "2026-04-30T21:59:59.999Z",
      "2026-04-30T22:00:00Z",
      "2026-03-31T22:00:00Z",
    ].map((t) => new Date(t));
    // Each answer equals the one computed from scratch (a fresh window of another time zone in between).
    for (const t of times) {
      for (const tz of ["Europe/Paris", "UTC", "America/New_York"]) {
        const m = monthWindow(t, tz);
        const { y, m: month } = localPartsOf(t, tz);
        expect(m.start.getTime(), `${t.toISOString()} ${tz}`).toBeLessThanOrEqual(t.getTime());
        expect(m.end.getTime()).toBeGreaterThan(t.getTime());
        expect(localDay(m.start, tz)).toBe(`${y}-${String(month).padStart(2, "0")}-01`);
        expect(localDay(new Date(m.end.getTime() - 1), tz).slice(0, 7)).toBe(`${y}-${String(month).padStart(2, "0")}`);
      }
      for (const { spanMs, bucketMs } of Object.values(SLIDING)) {
        const w = slidingWindow(t, spanMs, bucketMs);
        const start = Math.floor(t.getTime() / bucketMs) * bucketMs;
        expect(w).toEqual({ bucket: { start: new Date(start), end: new Date(start + bucketMs) }, since: new Date(start - spanMs), spanMs, bucketMs });
      }
    }
    const a = new Date("2026-05-10T10:00:01Z");
    const b = new Date("2026-05-10T10:00:02Z");
    expect(monthWindow(b, "Europe/Paris")).toBe(monthWindow(a, "Europe/Paris"));
    expect(slidingWindow(b, SLIDING.tokensHour.spanMs, SLIDING.tokensHour.bucketMs)).toBe(slidingWindow(a, SLIDING.tokensHour.spanMs, SLIDING.tokensHour.bucketMs));
  });
});

/** The local year and month (1-12) of an instant, from the platform's own formatter. */
function localPartsOf(at: Date, tz: string) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, year: "numeric", month: "numeric" }).formatToParts(at);
  return { y: Number(parts.find((p) => p.type === "year")!.value), m: Number(parts.find((p) => p.type === "month")!.value) };
}
