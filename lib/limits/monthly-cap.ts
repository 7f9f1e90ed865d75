import type { Tier } from "@/db/schema";
import { eurosToNanos } from "../billing/money";
import { badRequest } from "../errors";
import { formatMoney } from "../format";

/** What an account may spend in a month: the lower of its tier's cap and its own budget; null when neither is set. */
export function monthlyCap(account: { monthlyBudgetNanos: bigint | null }, tier: { monthlyLimitNanos: bigint | null }): bigint | null {
  const a = tier.monthlyLimitNanos;
  const b = account.monthlyBudgetNanos;
  return a === null ? b : b === null ? a : a < b ? a : b;
}

/**
 * An account's own monthly budget from what a person typed ("500", "49.90";
 * empty or "none" for none): positive, and never above its tier's cap.
 */
export function parseMonthlyBudget(text: string | null, tier: Pick<Tier, "monthlyLimitNanos">, param = "monthly_budget"): bigint | null {
  const value = (text ?? "").trim();
  if (value === "" || value === "none") return null;
  let nanos: bigint;
  try {
    nanos = eurosToNanos(value);
  } catch {
    throw badRequest("An amount in euros, such as 500 or 49.90, or empty for none", param);
  }
  if (nanos <= 0n) throw badRequest("The budget must be more than 0 €, or empty for none", param);
  if (tier.monthlyLimitNanos !== null && nanos > tier.monthlyLimitNanos) {
    throw badRequest(`The budget cannot exceed the tier's monthly cap of ${formatMoney(tier.monthlyLimitNanos)}`, param);
  }
  return nanos;
}
