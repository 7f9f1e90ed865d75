import { listLedgerBetween } from "@/db/queries/ledger";
import { monthWindow } from "../limits/windows";

/**
 * An account's month from its ledger: every credit, adjustment and usage
 * debit with its units and unit prices, and the totals they add up to.
 */
export async function monthStatement({ accountId, month, timezone }: { accountId: string; month: Date; timezone: string }) {
  const window = monthWindow(month, timezone);
  const entries = await listLedgerBetween({ accountId, from: window.start, to: window.end });
  let credits = 0n;
  let usage = 0n;
  let adjustments = 0n;
  for (const e of entries) {
    if (e.kind === "credit") credits += e.amountNanos;
    else if (e.kind === "usage") usage += -e.amountNanos;
    else adjustments += e.amountNanos;
  }
  return { window, entries, totals: { creditsNanos: credits, usageNanos: usage, adjustmentsNanos: adjustments } };
}
