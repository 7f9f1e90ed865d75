import { describe, expect, it } from "vitest";
import { formatMoney } from "./format";

describe("formatMoney", () => {
  it("takes the decimal strings JSON carries", () => {
    expect(formatMoney("10000000")).toBe("0.01 €");
    expect(formatMoney("1234560000000")).toBe("1,234.56 €");
  });

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
    expect(formatMoney(90n)).toBe("0.00000009 €");
    expect(formatMoney(1n)).toBe("0.000000001 €");
  });

  it("shows prices exactly", () => {
    expect(formatMoney(1_800n * 1_000_000n, { exact: true })).toBe("1.80 €");
    expect(formatMoney(1_800n, { exact: true })).toBe("0.0000018 €");
    expect(formatMoney(40_000_000n, { exact: true })).toBe("0.04 €");
  });
});
