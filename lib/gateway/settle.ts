import type { DeferredSettlement } from "@/db/queries/limits";
import type { NewUsageEvent } from "@/db/queries/usage";
import { errorFields, log } from "../log";
import type { RequestContext } from "./context";
import type { GatewayMetrics } from "./metrics";
import type { UsageRecorder } from "./usage";

/**
 * The last step of every request, however it ended: its reservation turned
 * into what it used, its usage event recorded, its metrics counted. A live
 * request's settlement goes with its usage event into the recorder's next
 * batch (journaled first); a batch line's end is left for its worker, which
 * stores it with the line's answer.
 */
export class RequestEnds {
  constructor(
    private readonly recorder: UsageRecorder,
    private readonly metrics: GatewayMetrics,
    /** Endpoint names metrics know; unknown paths are one label, not one each. */
    private readonly endpoints: ReadonlySet<string>,
    /** Whether other requests are being served: a request ending alone has its journal line written at once. */
    private readonly busy: () => boolean = () => true,
  ) {}

  async end(ctx: RequestContext, status: number, errorCode: string | null): Promise<void> {
    if (ctx.batch) return this.leaveForBatch(ctx, status, errorCode);
    const reservation = ctx.reservation;
    if (reservation?.defer) {
      const { cost, settlement } = reservation.defer(ctx.usage);
      return this.record(ctx, status, errorCode, cost, settlement);
    }
    let cost = 0n;
    if (reservation) {
      try {
        cost = await reservation.settle(ctx.usage, { status });
      } catch (err) {
        log.error("settling a reservation failed", { ...ctx.logFields(), ...errorFields(err) });
      }
    }
    return this.record(ctx, status, errorCode, cost);
  }

  private leaveForBatch(ctx: RequestContext, status: number, errorCode: string | null): void {
    const reservation = ctx.reservation;
    const cost = reservation?.costOf(ctx.usage) ?? 0n;
    ctx.batch!.ended = {
      status,
      usage: ctx.usage,
      cost,
      event: usageEvent(ctx, status, errorCode, cost),
      settle: async (db) => {
        if (reservation && (await reservation.settle(ctx.usage, { status, db })) !== cost) throw new Error("the line's reservation was already given back");
      },
      discard: async () => void (await reservation?.settle({ ...ctx.usage, promptTokens: 0, completionTokens: 0, reasoningTokens: 0, units: {} }, { status })),
    };
  }

  /** Resolves once the request's usage is journaled (its answer may leave then). */
  private record(ctx: RequestContext, status: number, errorCode: string | null, cost: bigint, settlement?: DeferredSettlement): Promise<void> | undefined {
    this.metrics.observe({
      endpoint: this.endpoints.has(ctx.endpoint) ? ctx.endpoint : "unknown",
      model: ctx.model?.id ?? null,
      status,
      promptTokens: ctx.usage.promptTokens,
      completionTokens: ctx.usage.completionTokens,
      latencyMs: ctx.elapsedMs,
      ttftMs: ctx.ttftMs,
    });
    return this.recorder.record(usageEvent(ctx, status, errorCode, cost), settlement, !this.busy());
  }
}

function usageEvent(ctx: RequestContext, status: number, errorCode: string | null, cost: bigint): NewUsageEvent {
  return {
    id: ctx.usageEventId,
    requestId: ctx.requestId,
    accountId: ctx.key?.accountId ?? null,
    userId: ctx.key?.userId ?? null,
    keyId: ctx.key?.id ?? null,
    endpoint: ctx.endpoint,
    modelId: ctx.model?.id ?? null,
    backendId: ctx.target?.backend.id ?? null,
    status,
    errorCode,
    promptTokens: ctx.usage.promptTokens,
    completionTokens: ctx.usage.completionTokens,
    reasoningTokens: ctx.usage.reasoningTokens,
    units: ctx.usage.units,
    costNanos: cost,
    latencyMs: ctx.elapsedMs,
    ttftMs: ctx.ttftMs,
    streamed: ctx.streamed,
    clientAborted: ctx.clientAborted,
    estimated: ctx.usage.estimated,
    batchId: ctx.batch?.batchId ?? null,
    // Dated like its ledger debit, so that a day's or a month's usage and debits hold the same requests.
    createdAt: ctx.reservation?.at ?? ctx.startedAt,
  };
}
