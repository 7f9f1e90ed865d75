import { describe, expect, it } from "vitest";
import { dayWindow, hourWindow, localDay, minuteWindow, monthWindow } from "./windows";

describe("windows", () => {
  const at = new Date("2026-03-31T22:30:15Z");

  it("cuts UTC windows", () => {
    expect(minuteWindow(at).start.toISOString()).toBe("2026-03-31T22:30:00.000Z");
    expect(hourWindow(at, "UTC")).toEqual({ start: new Date("2026-03-31T22:00:00Z"), end: new Date("2026-03-31T23:00:00Z") });
    expect(dayWindow(at, "UTC").start.toISOString()).toBe("2026-03-31T00:00:00.000Z");
    expect(monthWindow(at, "UTC")).toEqual({ start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") });
  });

  it("follows the configured time zone, across daylight saving time", () => {
    // 00:30 on 1 April in Paris (UTC+2 in summer): already April there.
    expect(monthWindow(at, "Europe/Paris")).toEqual({ start: new Date("2026-03-31T22:00:00Z"), end: new Date("2026-04-30T22:00:00Z") });
    expect(localDay(at, "Europe/Paris")).toBe("2026-04-01");
    // March in Paris began in winter time (UTC+1).
    expect(monthWindow(new Date("2026-03-15T12:00:00Z"), "Europe/Paris").start.toISOString()).toBe("2026-02-28T23:00:00.000Z");
    expect(dayWindow(new Date("2026-03-29T12:00:00Z"), "Europe/Paris")).toEqual({
      start: new Date("2026-03-28T23:00:00Z"),
      end: new Date("2026-03-29T22:00:00Z"),
    });
  });
});
