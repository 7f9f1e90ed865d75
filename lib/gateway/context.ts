import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import type { DeferredSettlement } from "@/db/queries/limits";
import type { NewUsageEvent } from "@/db/queries/usage";
import type { Target } from "../backends/router";
import type { AuthenticatedKey } from "../keys/cache";
import type { CatalogueModel } from "./catalogue";
import type { ApiRequest } from "./wire";

/** Units a request consumed, as the ledger and usage table count them. */
export interface UsageCounts {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  /** Other units: search_units, audio_seconds, characters, images. */
  units: Record<string, number>;
  /** True when the gateway counted the tokens itself because the backend gave none. */
  estimated: boolean;
}

/** What a request wants to take from the account's limits before it reaches a backend. */
/** What a request has used so far, as its checkpoints read it. */
export interface Progress {
  promptTokens: number;
  completionTokens: number;
}

export interface ReserveInput {
  requestId: string;
  key: AuthenticatedKey;
  model: CatalogueModel;
  endpoint: string;
  /** Worst case of output tokens (max_tokens × n). */
  maxOutputTokens: number;
  estimatedPromptTokens: number;
  /** Worst case of other units (e.g. images to generate). */
  units?: Record<string, number>;
  /** Id the request's usage event will have, so the ledger can point at it. */
  usageEventId?: string;
  /**
   * Tokens generated so far, read while a stream runs so a crash loses nothing: a counter the request updates, which the
   * limiter keeps until the request is settled. A plain object, so it holds nothing else of the request (a function
   * reading the request's context kept every request's objects alive through the young generation's collections).
   */
  progress?: Progress;
  /** A line of this batch: batch prices, and only the monthly budget and the credit apply. */
  batchId?: string | null;
  now?: Date;
}

export interface Reservation {
  /** The time limits were taken at: the request's usage event and ledger debit are both dated by it. */
  at?: Date;
  /** What settling with this usage will bill, in nano-euros (a batch line stores it with its answer first). */
  costOf(usage: UsageCounts): bigint;
  /** X-RateLimit-* headers that describe the limits after this reservation. */
  headers: Record<string, string>;
  /**
   * Turn the reservation into the real usage and give back the rest; returns the cost in nano-euros.
   * With `db`, inside that transaction (and its errors are the caller's).
   */
  settle(usage: UsageCounts, outcome: { status: number; db?: Db }): Promise<bigint>;
  /**
   * Turn the reservation into the real usage without waiting: the cost, and
   * the settlement to write with the request's usage event (in the next batch).
   * Absent: the pipeline settles with settle().
   */
  defer?(usage: UsageCounts): { cost: bigint; settlement: DeferredSettlement };
}

/** The limits step of the pipeline. The platform's tiers, budgets and credit implement it. */
export interface Limiter {
  reserve(input: ReserveInput): Promise<Reservation>;
  /** Headers for requests that reserve nothing (model lists, errors before a reservation). */
  headersFor?(key: AuthenticatedKey): Promise<Record<string, string>>;
  /**
   * Where answered requests wait to be settled (in batches): their worst cases still hold the limits until
   * then, so before refusing a request the limiter writes them and looks again.
   */
  settlements?: { readonly pending: number; flush(): Promise<void> };
}

/** A limiter that limits nothing: for tests of the pipeline alone. */
export const noLimits: Limiter = {
  async reserve() {
    return { headers: {}, costOf: () => 0n, settle: async () => 0n };
  },
};

/**
 * Marks a request as one line of a batch (lib/batch sets it). The line runs
 * through the pipeline like a live request; only its end differs: instead of
 * settling and recording it, the pipeline leaves `ended` for the batch
 * worker, which writes the usage event, the settlement and the line's answer
 * in one transaction (or discards them when the line is no longer its own).
 */
export interface BatchLine {
  batchId: string;
  ended?: LineEnd;
}

export interface LineEnd {
  status: number;
  usage: UsageCounts;
  /** What the line is billed. */
  cost: bigint;
  /** The line's usage event, as the pipeline would have recorded it. */
  event: NewUsageEvent;
  /** Settle the reservation in the worker's transaction; throws if it was already given back. */
  settle(db: Db): Promise<void>;
  /** Give the reservation back unbilled and record nothing. */
  discard(): Promise<void>;
}

export class RequestContext {
  readonly usageEventId = randomUUID();
  readonly started = performance.now();
  readonly startedAt = new Date();
  key: AuthenticatedKey | null = null;
  model: CatalogueModel | null = null;
  target: Target | null = null;
  reservation: Reservation | null = null;
  readonly headers: Record<string, string> = {};
  readonly usage: UsageCounts = { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, units: {}, estimated: false };
  ttftMs: number | null = null;
  /** Tokens so far (streams count output tokens as they pass), for the limiter's checkpoints: see ReserveInput.progress. */
  readonly progress: Progress = { promptTokens: 0, completionTokens: 0 };
  streamed = false;
  clientAborted = false;
  batch: BatchLine | null = null;
  /** A live model request (not a batch line, nor a list or a lookup): what batch work yields to. */
  live = false;
  private finished = false;

  constructor(
    readonly request: ApiRequest,
    readonly requestId: string,
    readonly endpoint: string,
    private readonly onFinish: (ctx: RequestContext, status: number, errorCode: string | null) => Promise<void>,
  ) {
    this.headers.id = requestId;
    // Where OpenAI's SDKs look for it (`_request_id`, `APIError.requestID`).
    this.headers["x-request-id"] = requestId;
  }

  /** What every log line about this request carries: its id, and its account and key once known. */
  logFields(): Record<string, unknown> {
    return this.key ? { requestId: this.requestId, accountId: this.key.accountId, keyId: this.key.id } : { requestId: this.requestId };
  }

  /** Mark the first token's arrival (once). */
  firstToken(): void {
    if (this.ttftMs === null) this.ttftMs = Math.round(performance.now() - this.started);
  }

  get elapsedMs(): number {
    return Math.round(performance.now() - this.started);
  }

  /** Record usage and settle limits, exactly once, whatever way the request ended. */
  async finish(status: number, errorCode: string | null = null): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.onFinish(this, status, errorCode);
  }
}
