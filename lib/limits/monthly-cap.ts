/** What an account may spend in a month: the lower of its tier's cap and its own budget; null when neither is set. */
export function monthlyCap(account: { monthlyBudgetNanos: bigint | null }, tier: { monthlyLimitNanos: bigint | null }): bigint | null {
  const a = tier.monthlyLimitNanos;
  const b = account.monthlyBudgetNanos;
  return a === null ? b : b === null ? a : a < b ? a : b;
}
