import { type Db, getDb } from "@/db/client";
import { listOrphanReservations, pruneBuckets, reclaimLeases, settleLeased, settleReservation } from "@/db/queries/limits";
import { pruneLoginFailures } from "@/db/queries/login-attempts";
import { listLedgerUsageWithoutEventForPlatform } from "@/db/queries/reconcile";
import { insertUsageEvents } from "@/db/queries/usage";
import { billableQuantities, costOf, pricesFromJson } from "../billing/cost";
import { errorFields, log } from "../log";
import { METRICS, consumed } from "./limiter";
import { SLIDING } from "./windows";
import { every } from "../every";

/**
 * Settle the reservations of instances that stopped beating (crashed or
 * killed) from what they checkpointed: the tokens generated so far are
 * billed, the rest of the hold is given back, and a usage event says so;
 * then take back their leases whole. Safe to run on every instance at once:
 * a reservation settles only once. Returns how many reservations and leases.
 */
export async function reclaimOrphanReservations({ staleMs = 15_000, now = new Date() } = {}): Promise<number> {
  const staleBefore = new Date(now.getTime() - staleMs);
  const orphans = await listOrphanReservations({ staleBefore });
  let settled = 0;
  for (const r of orphans) {
    if (r.batchId) {
      // A batch line whose answer was never stored runs again on another instance and is billed there.
      if (await settleReservation({ reservationId: r.id, accountId: r.accountId, actual: {}, costNanos: 0n, ledger: { keyId: r.keyId, modelId: r.modelId, usageEventId: crypto.randomUUID(), details: {} } })) settled++;
      continue;
    }
    const usage = { promptTokens: r.progress.promptTokens, completionTokens: r.progress.completionTokens, reasoningTokens: 0, units: {} };
    const prices = pricesFromJson(r.prices);
    const quantities = billableQuantities(usage);
    const cost = costOf(quantities, prices);
    const actual = consumed(usage.completionTokens, cost);
    // A stream admitted against leases is billed under its own usage event, so that its journal, replayed later, is not billed again.
    const leased = r.holds.leased;
    const usageEventId = leased?.usageEventId ?? crypto.randomUUID();
    // The settlement and its usage event in one transaction: a journal of the lost instance replayed meanwhile finds
    // both or neither (a replay settles a leased request only while its usage event is not written).
    const ok = await (await getDb()).transaction(async (tx) => {
      const db = tx as unknown as Db;
      const done = await (leased ? settleLeased : settleReservation)({
        db,
        reservationId: r.id,
        accountId: r.accountId,
        actual,
        costNanos: cost,
        ...(leased
          ? {
              leased: {
                usageEventId,
                eventAt: leased.eventAt,
                // The whole draw comes off its lease: what was generated counts as used, the rest is free again.
                holds: leased.holds.map((h) => ({
                  leaseId: h.leaseId,
                  scopeId: h.scopeId,
                  metric: h.metric,
                  windowStart: h.windowStart,
                  used: h.metric === "balance" ? cost : (actual[h.metric] ?? 0n),
                  back: BigInt(h.drawn),
                })),
              },
            }
          : {}),
        ledger: {
          keyId: r.keyId,
          modelId: r.modelId,
          usageEventId,
          at: r.createdAt.toISOString(),
          details: {
            request_id: r.requestId,
            endpoint: r.endpoint,
            estimated: true,
            reclaimed: true,
            quantities: Object.fromEntries(Object.entries(quantities).map(([k, v]) => [k, v.toString()])),
            unit_prices_nanos: Object.fromEntries(Object.keys(quantities).map((k) => [k, r.prices[k]])),
          },
        },
      });
      if (!done) return false;
      await insertUsageEvents({
        db,
        events: [
          {
            id: usageEventId,
            requestId: r.requestId,
            accountId: r.accountId,
            userId: r.userId,
            keyId: r.keyId,
            endpoint: r.endpoint,
            modelId: r.modelId,
            status: 500,
            errorCode: "instance_lost",
            promptTokens: usage.promptTokens,
            completionTokens: usage.completionTokens,
            costNanos: cost,
            estimated: true,
            createdAt: r.createdAt,
          },
        ],
      });
      return true;
    });
    if (!ok) continue;
    settled++;
    log.warn("settled a reservation of a lost instance", { requestId: r.requestId, completionTokens: usage.completionTokens });
  }
  const leases = await reclaimLeases({ staleBefore });
  if (leases > 0) log.warn("took back the leases of a lost instance", { leases });
  return settled + leases;
}

/**
 * Write the usage events that a lost instance still had queued, rebuilt from
 * the ledger rows it had already settled (the ledger is written before the
 * answer; usage events are batched): after a crash, usage events and ledger
 * usage rows still match one for one. Only rows older than `olderThanMs`, so
 * a live instance's queue (held up by a database outage) gets there first.
 */
export async function reconcileUsage({ olderThanMs = 120_000, now = new Date() } = {}): Promise<number> {
  const rows = await listLedgerUsageWithoutEventForPlatform({ before: new Date(now.getTime() - olderThanMs) });
  if (rows.length === 0) return 0;
  const n = (v: unknown) => Number(v ?? 0) || 0;
  await insertUsageEvents({
    events: rows.map((r) => {
      const q = (r.details.quantities ?? {}) as Record<string, string>;
      return {
        id: r.usageEventId,
        requestId: String(r.details.request_id ?? r.usageEventId),
        accountId: r.accountId,
        userId: r.userId,
        keyId: r.keyId,
        endpoint: String(r.details.endpoint ?? "unknown"),
        modelId: r.modelId,
        status: 200,
        errorCode: "usage_reconstructed",
        promptTokens: n(q.input_token ?? q.rerank_token),
        completionTokens: n(q.output_token) + n(q.reasoning_token),
        reasoningTokens: n(q.reasoning_token),
        units: {
          ...(q.audio_minute ? { audio_seconds: n(q.audio_minute) * 60 } : {}),
          ...(q.speech_character ? { characters: n(q.speech_character) } : {}),
          ...(q.image ? { images: n(q.image) } : {}),
        },
        costNanos: -r.amountNanos,
        estimated: true,
        createdAt: r.createdAt,
      };
    }),
  });
  log.warn("rebuilt usage events a lost instance had not written", { events: rows.length });
  return rows.length;
}

/**
 * Delete the buckets no sliding window counts any more (each kept a while
 * past its span) and day-old failed sign-ins, so the counters table stays small.
 */
export async function pruneOldBuckets(now = new Date()): Promise<number> {
  await pruneLoginFailures({ before: new Date(now.getTime() - 86_400_000) });
  return pruneBuckets(
    (["requests", "tokensHour", "tokensDay"] as const).map((kind) => ({ metric: METRICS[kind], keepMs: 2 * SLIDING[kind].spanMs })),
  );
}

export function startSweeper(intervalMs = 10_000, pruneMs = 600_000): () => void {
  const stopReclaim = every(intervalMs, async () => {
    await reclaimOrphanReservations();
    await reconcileUsage();
  });
  const stopPrune = every(pruneMs, () => pruneOldBuckets(), (err) => log.warn("pruning rate-limit buckets failed", errorFields(err)));
  return () => {
    stopReclaim();
    stopPrune();
  };
}
