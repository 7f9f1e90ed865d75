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
});
