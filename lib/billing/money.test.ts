import { describe, expect, it } from "vitest";
import { eurosToNanos, formatEuros, formatMoney } from "./money";

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

describe("formatMoney", () => {
  it("shows cents from one euro up, with thousands separated", () => {
    expect(formatMoney(1_234_567_890_000n)).toBe("1,234.57 €");
    expect(formatMoney(12_345_000_000n)).toBe("12.35 €");
    expect(formatMoney(1_000_000_000n)).toBe("1.00 €");
    expect(formatMoney(0n)).toBe("0.00 €");
    expect(formatMoney(-2_500_000_000n)).toBe("-2.50 €");
  });

  it("keeps two significant digits below one euro, so small costs compare", () => {
    expect(formatMoney(7_197_000n)).toBe("0.0072 €");
    expect(formatMoney(12_300_000n)).toBe("0.012 €");
    expect(formatMoney(500_000_000n)).toBe("0.50 €");
    expect(formatMoney(155_000_000n)).toBe("0.16 €");
    expect(formatMoney(90n)).toBe("0.000000090 €");
    expect(formatMoney(1n)).toBe("0.000000001 €");
  });

  it("shows prices exactly", () => {
    expect(formatMoney(1_800n * 1_000_000n, { exact: true })).toBe("1.80 €");
    expect(formatMoney(1_800n, { exact: true })).toBe("0.0000018 €");
    expect(formatMoney(40_000_000n, { exact: true })).toBe("0.04 €");
  });
});
