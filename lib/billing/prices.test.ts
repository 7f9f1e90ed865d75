import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Price } from "@/db/schema";

const rows: Price[] = [];
vi.mock("@/db/queries/prices", () => ({ listPrices: async () => [...rows] }));
const { PriceBook } = await import("./prices");

let id = 0;
const row = (unit: Price["unit"], nanos: bigint, effectiveFrom: string, modelId: string | null = null): Price => ({
  id: ++id,
  modelId,
  unit,
  nanosPerUnit: nanos,
  effectiveFrom: new Date(effectiveFrom),
  createdAt: new Date(effectiveFrom),
});

describe("PriceBook.table", () => {
  beforeEach(() => {
    rows.length = 0;
  });

  it("gives each model's prices as they were at the time asked, a new price only from its effective time on", async () => {
    rows.push(
      row("output_token", 8000n, "2026-01-01T00:00:00Z"),
      row("output_token", 9000n, "2026-06-01T00:00:00Z"),
      row("output_token", 5000n, "2026-03-01T00:00:00Z", "small"),
      row("input_token", 1800n, "2026-01-01T00:00:00Z"),
    );
    const book = new PriceBook();
    await book.refresh();
    const at = (iso: string) => new Date(iso);
    // Asked again and again at times that keep the same prices, then across each change, then back in time.
    expect(book.table("big", at("2026-02-01T00:00:00Z")).output_token).toBe(8000n);
    expect(book.table("big", at("2026-05-31T23:59:59.999Z")).output_token).toBe(8000n);
    expect(book.table("big", at("2026-06-01T00:00:00Z")).output_token).toBe(9000n);
    expect(book.table("big", at("2026-07-01T00:00:00Z")).output_token).toBe(9000n);
    expect(book.table("big", at("2026-02-01T00:00:00Z")).output_token).toBe(8000n);
    expect(book.table("small", at("2026-02-01T00:00:00Z")).output_token).toBe(8000n);
    expect(book.table("small", at("2026-03-01T00:00:00Z")).output_token).toBe(5000n);
    expect(book.table("small", at("2026-07-01T00:00:00Z")).output_token).toBe(5000n);
    expect(book.table("small", at("2026-07-01T00:00:00Z")).input_token).toBe(1800n);
    expect(book.table(null, at("2026-07-01T00:00:00Z")).output_token).toBe(9000n);
    // A unit without any price costs nothing.
    expect(book.table("big", at("2026-07-01T00:00:00Z")).image).toBe(0n);
    // Every answer agrees with the unit-by-unit lookup.
    for (const t of ["2025-12-31T00:00:00Z", "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-06-01T00:00:00Z"]) {
      const table = book.table("small", at(t));
      for (const unit of Object.keys(table) as Price["unit"][]) expect(table[unit]).toBe(book.price("small", unit, at(t)));
    }
  });

  it("reads prices changed in the database once they are read again, and never lets a caller change a cached table", async () => {
    rows.push(row("output_token", 8000n, "2026-01-01T00:00:00Z"));
    const book = new PriceBook();
    await book.refresh();
    const now = new Date("2026-09-01T00:00:00Z");
    const table = book.table("m", now);
    expect(table.output_token).toBe(8000n);
    expect(() => {
      (table as Record<string, bigint>).output_token = 1n;
    }).toThrow();
    rows.push(row("output_token", 7000n, "2026-08-01T00:00:00Z", "m"));
    expect(book.table("m", now).output_token).toBe(8000n);
    await book.refresh();
    expect(book.table("m", now).output_token).toBe(7000n);
  });
});
