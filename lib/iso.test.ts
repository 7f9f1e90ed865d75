import { describe, expect, it } from "vitest";
import { isoOf, isoOfTime } from "./iso";

describe("isoOfTime", () => {
  it("writes every instant as Date#toISOString does, in any order", () => {
    const times = [0, 1, 999, 1000, 1_764_780_000_000, 1_764_780_000_007, 1_764_780_000_070, 1_764_780_000_700, 1_764_780_001_000, -1, -1000, -1001, 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_001];
    for (let i = 0; i < 20_000; i++) times.push(1_764_780_000_000 + Math.floor(Math.random() * 5_000), Math.floor((Math.random() - 0.2) * 4e12));
    for (const t of times) expect(isoOfTime(t), String(t)).toBe(new Date(t).toISOString());
    expect(isoOf(new Date(1_764_780_000_042))).toBe("2025-12-03T16:40:00.042Z");
  });
});
