import { describe, expect, it } from "vitest";
import { formatMoney } from "./format";

describe("formatMoney", () => {
  it("shows cents for ordinary amounts, grouped", () => {
    expect(formatMoney(1_234_560_000_000n)).toBe("1,234.56 €");
    expect(formatMoney(0n)).toBe("0.00 €");
    expect(formatMoney(-12_500_000_000n)).toBe("-12.50 €");
  });
  it("keeps small amounts distinguishable", () => {
    expect(formatMoney(7_197_000n)).toBe("0.007197 €");
    expect(formatMoney(1n)).toBe("0.000000001 €");
    expect(formatMoney("10000000")).toBe("0.01 €");
  });
});
