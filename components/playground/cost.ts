import { billableQuantities, costOf } from "@/lib/billing/cost";
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

export const formatInt = (n: number | bigint) => new Intl.NumberFormat("en-US").format(n);
