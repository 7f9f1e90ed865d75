import { describe, expect, it } from "vitest";
import { eurosToNanos, formatEuros } from "./money";

describe("money", () => {
  it("converts euros to nano-euros exactly", () => {
    expect(eurosToNanos("200")).toBe(200_000_000_000n);
    expect(eurosToNanos("0.1")).toBe(100_000_000n);
    expect(eurosToNanos("49.99")).toBe(49_990_000_000n);
    expect(eurosToNanos("0.000000001")).toBe(1n);
    expect(eurosToNanos("-5")).toBe(-5_000_000_000n);
  });

  it("refuses amounts it cannot represent", () => {
    expect(() => eurosToNanos("1.0000000001")).toThrow();
    expect(() => eurosToNanos("abc")).toThrow();
    expect(() => eurosToNanos("1e3")).toThrow();
  });

  it("formats with rounding", () => {
    expect(formatEuros(200_500_000_000n)).toBe("200.50");
    expect(formatEuros(1_999n, 6)).toBe("0.000002");
    expect(formatEuros(-1_500_000_000n)).toBe("-1.50");
    expect(formatEuros(4_995_000_000n, 2)).toBe("5.00");
  });
});

