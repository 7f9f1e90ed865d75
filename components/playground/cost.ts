import { billableQuantities, costOf } from "@/lib/billing/cost";
import { formatEuros } from "@/lib/billing/money";
import type { PriceTable, PriceUnit } from "@/lib/billing/prices";

export type PriceStrings = Record<PriceUnit, string>;

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  units?: Record<string, number>;
}

const table = (prices: PriceStrings) => Object.fromEntries(Object.entries(prices).map(([k, v]) => [k, BigInt(v)])) as PriceTable;

/** What a usage costs at these prices, in nano-euros: the same arithmetic the ledger uses. */
export function costNanos(usage: Usage, prices: PriceStrings): bigint {
  return costOf(billableQuantities({ ...usage, units: usage.units ?? {} }), table(prices));
}

/** A cost for a person: cents when it is worth cents, else enough decimals to see it. */
export function formatCost(nanos: bigint): string {
  if (nanos === 0n) return "0 €";
  if (nanos >= 10_000_000n) return `${formatEuros(nanos, 2)} €`;
  if (nanos >= 10_000n) return `${formatEuros(nanos, 6)} €`;
  return `${formatEuros(nanos, 9)} €`;
}

/** Euros per million units, for price lists. */
export function perMillion(nanosPerUnit: string): string {
  const n = BigInt(nanosPerUnit) * 1_000_000n;
  return `${formatEuros(n, n % 10_000_000n === 0n ? 2 : 4)} €`;
}

export const formatInt = (n: number | bigint) => new Intl.NumberFormat("en-US").format(n);
