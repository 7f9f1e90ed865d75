import { z } from "zod";
import { ensureDaily } from "@/db/queries/usage-daily";
import { type UsageFigures, type UsageScope, latencyHistograms, usageBreakdown, usageFilterChoices, usageSeries } from "@/db/queries/usage-reports";
import { LATENCY_BUCKETS_MS } from "@/db/schema";
import { type Caller, readsAccount } from "./authz";
import { type UsageRange, bucketStarts, resolveRange } from "./usage-range";
import { accountZone } from "./account-zone";

export const usageQuerySchema = z.object({
  range: z.string().max(20).optional(),
  from: z.string().max(10).optional(),
  to: z.string().max(10).optional(),
  model: z.string().max(200).optional(),
  key: z.string().uuid().optional().catch(undefined),
  user: z.string().uuid().optional().catch(undefined),
  by: z.enum(["model", "key", "user"]).optional().catch(undefined),
});
export type UsageQuery = z.input<typeof usageQuerySchema>;

const zero = (): UsageFigures => ({ requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0, costNanos: 0n });

function add(a: UsageFigures, b: UsageFigures): UsageFigures {
  return {
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    costNanos: a.costNanos + b.costNanos,
  };
}

/** The value at quantile q of a histogram, interpolated inside its bucket; null when it is empty. */
export function percentile(hist: number[], q: number): number | null {
  const total = hist.reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i]!;
    if (n === 0) continue;
    if (seen + n >= rank) {
      const lo = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      // The last bucket has no upper bound: report its lower one.
      const hi = LATENCY_BUCKETS_MS[i] ?? lo;
      return Math.round(lo + ((hi - lo) * (rank - seen)) / n);
    }
    seen += n;
  }
  return LATENCY_BUCKETS_MS.at(-1)!;
}

/**
 * Everything the usage dashboard shows, for what the caller may see: members
 * their own keys only (whatever filter they send), admins and finance the
 * account. Read from the hourly rollups only.
 */
export async function usageReport(caller: Caller, query: UsageQuery, now = new Date()) {
  const q = usageQuerySchema.parse(query);
  const tz = await accountZone(caller.accountId);
  const range: UsageRange = resolveRange(q, tz, now);
  const everyone = readsAccount(caller);
  const scope: UsageScope = {
    accountId: caller.accountId,
    from: range.from,
    to: range.to,
    modelId: q.model || undefined,
    keyId: q.key,
    userId: everyone ? q.user : caller.userId,
  };
  const by = q.by ?? "model";
  // Days (longer ranges) read the daily rollups, cut in the account's zone.
  await ensureDaily({ accountId: caller.accountId, zone: tz });
  if (range.resolution === "day") scope.days = { first: range.fromDate, last: range.toDate };
  const [series, breakdown, latency, choices] = await Promise.all([
    usageSeries({ scope, tz, resolution: range.resolution }),
    usageBreakdown({ scope, by }),
    latencyHistograms({ scope }),
    usageFilterChoices({ accountId: caller.accountId, userId: everyone ? undefined : caller.userId }),
  ]);
  const byTime = new Map(series.map((s) => [s.bucket.getTime(), s]));
  const points = bucketStarts(range, tz).map((start) => ({ start, ...(byTime.get(start.getTime()) ?? zero()) }));
  const totals = series.reduce((t, s) => add(t, s), zero());
  return {
    tz,
    range,
    by,
    filters: { model: scope.modelId ?? "", key: scope.keyId ?? "", user: everyone ? (q.user ?? "") : "" },
    everyone,
    choices,
    points,
    totals,
    breakdown,
    latency: latency.map((l) => ({
      modelId: l.modelId || "(unknown model)",
      requests: l.requests,
      latency: { p50: percentile(l.latency, 0.5), p90: percentile(l.latency, 0.9), p99: percentile(l.latency, 0.99) },
      ttft: { p50: percentile(l.ttft, 0.5), p90: percentile(l.ttft, 0.9), p99: percentile(l.ttft, 0.99) },
    })),
  };
}
export type UsageReport = Awaited<ReturnType<typeof usageReport>>;
