import type { Tier } from "@/db/schema";
import { formatMoney } from "@/lib/format";

/** A tier as pickers show it: its name and what it allows in a month. */
export function tierLabel(t: Pick<Tier, "name" | "monthlyLimitNanos" | "postpaid">): string {
  const cap = t.monthlyLimitNanos === null ? "no monthly cap" : `cap ${formatMoney(t.monthlyLimitNanos)} a month`;
  return `${t.name} (${t.postpaid ? "post-paid" : "prepaid"}, ${cap})`;
}
