import { findAccountById } from "@/db/queries/accounts";
import { readBalance, readCounters } from "@/db/queries/limits";
import { env } from "@/lib/env";
import type { AuthenticatedKey } from "@/lib/keys/cache";
import { METRICS } from "@/lib/limits/limiter";
import { dayWindow, hourWindow, monthWindow } from "@/lib/limits/windows";

/** A limit as the console shows it; numbers are strings so nano-euros stay exact in JSON. */
export interface LimitState {
  used: string;
  limit: string | null;
  remaining: string | null;
  resetsAt: string;
}

export interface LimitsSummary {
  tier: string;
  prepaid: boolean;
  tokensHour: LimitState;
  tokensDay: LimitState;
  /** Nano-euros spent this month against the lower of the tier's cap and the account's budget. */
  spendMonth: LimitState;
  /** Prepaid credit left, in nano-euros; null for post-paid tiers. */
  balance: string | null;
}

const min = (a: bigint | null, b: bigint | null) => (a === null ? b : b === null ? a : a < b ? a : b);
const nullable = (v: bigint | number | null) => (v === null ? null : BigInt(v));

/** What is left of the account's windows and month right now: the figures the playground keeps in view. */
export async function limitsSummary(key: AuthenticatedKey, at = new Date()): Promise<LimitsSummary> {
  const tz = env().LLMAAS_TIMEZONE;
  const found = await findAccountById({ id: key.accountId });
  if (!found) throw new Error("account not found");
  const { account, tier } = found;
  const windows = [
    { metric: METRICS.tokensHour, window: hourWindow(at, tz), limit: nullable(tier.outputTokensPerHour) },
    { metric: METRICS.tokensDay, window: dayWindow(at, tz), limit: nullable(tier.outputTokensPerDay) },
    { metric: METRICS.spendMonth, window: monthWindow(at, tz), limit: min(tier.monthlyLimitNanos, account.monthlyBudgetNanos) },
  ];
  const [rows, balance] = await Promise.all([
    readCounters(windows.map((w) => ({ scopeId: account.id, metric: w.metric, windowStart: w.window.start }))),
    readBalance({ accountId: account.id }),
  ]);
  const [tokensHour, tokensDay, spendMonth] = windows.map(({ metric, window, limit }): LimitState => {
    const row = rows.find((r) => r.metric === metric);
    const used = (row?.used ?? 0n) + (row?.reserved ?? 0n);
    const remaining = limit === null ? null : limit - used < 0n ? 0n : limit - used;
    return { used: used.toString(), limit: limit?.toString() ?? null, remaining: remaining?.toString() ?? null, resetsAt: window.end.toISOString() };
  });
  return {
    tier: tier.name,
    prepaid: !tier.postpaid,
    tokensHour: tokensHour!,
    tokensDay: tokensDay!,
    spendMonth: spendMonth!,
    balance: tier.postpaid ? null : (balance.balanceNanos - balance.reservedNanos).toString(),
  };
}
