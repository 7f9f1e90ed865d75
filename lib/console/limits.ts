import { findAccountById } from "@/db/queries/accounts";
import { monthlyCap } from "@/lib/limits/monthly-cap";
import { readBalance, readWindows } from "@/db/queries/limits";
import { env } from "@/lib/env";
import type { AuthenticatedKey } from "@/lib/keys/cache";
import { METRICS } from "@/lib/limits/limiter";
import { countedRange, resetAt, windowOf } from "@/lib/limits/windows";

/** A limit as the console shows it; numbers are strings so nano-euros stay exact in JSON. */
export interface LimitState {
  used: string;
  limit: string | null;
  remaining: string | null;
  /** When remaining next grows: the month's end, or when the oldest counted tokens leave a sliding window. */
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

const nullable = (v: bigint | number | null) => (v === null ? null : BigInt(v));

/** What is left of the account's windows and month right now: the figures the playground keeps in view. */
export async function limitsSummary(key: AuthenticatedKey, at = new Date()): Promise<LimitsSummary> {
  const found = await findAccountById({ id: key.accountId });
  if (!found) throw new Error("account not found");
  const { account, tier } = found;
  const tz = account.timezone ?? env().LLMAAS_TIMEZONE;
  const windows = (
    [
      ["tokensHour", nullable(tier.outputTokensPerHour)],
      ["tokensDay", nullable(tier.outputTokensPerDay)],
      ["spendMonth", monthlyCap(account, tier)],
    ] as const
  ).map(([kind, limit]) => ({ kind, limit, window: windowOf(kind, at, tz) }));
  const [states, balance] = await Promise.all([
    readWindows(windows.map((w) => ({ scopeId: account.id, metric: METRICS[w.kind], ...countedRange(w.window) }))),
    readBalance({ accountId: account.id }),
  ]);
  const [tokensHour, tokensDay, spendMonth] = windows.map(({ limit, window }, i): LimitState => {
    const state = states[i]!;
    const used = state.used + state.reserved;
    const remaining = limit === null ? null : limit - used < 0n ? 0n : limit - used;
    return { used: used.toString(), limit: limit?.toString() ?? null, remaining: remaining?.toString() ?? null, resetsAt: resetAt(window, state.oldest, at).toISOString() };
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
