import { randomUUID } from "node:crypto";
import os from "node:os";
import { findAccountById } from "@/db/queries/accounts";
import {
  type CounterState,
  type DeferredSettlement,
  type Hold,
  checkpointReservations,
  heartbeatInstance,
  readBuckets,
  readWindows,
  removeInstance,
  reserveLimits,
  settleReservation,
} from "@/db/queries/limits";
import type { Db } from "@/db/client";
import type { Account, Tier } from "@/db/schema";
import { billableQuantities, costOf, pricesToJson } from "../billing/cost";
import { formatMoney } from "../format";
import type { PriceBook, PriceTable } from "../billing/prices";
import { AppError } from "../errors";
import type { Limiter, Reservation, ReserveInput, UsageCounts } from "../gateway/context";
import type { AuthenticatedKey } from "../keys/cache";
import { errorFields, log } from "../log";
import { type LimitKind, type SlidingWindow, type Window, countedRange, isSliding, leavesWindowAt, resetAt, unixSeconds, windowOf } from "./windows";
import { every } from "../every";

/** How long the headers of an account's last reservation answer for it. */
const HEADERS_FRESH_MS = 1_000;

export const METRICS = {
  requests: "requests_minute",
  tokensHour: "output_tokens_hour",
  tokensDay: "output_tokens_day",
  spendMonth: "spend_month",
} as const;

export interface DbLimiterOptions {
  prices: PriceBook;
  timezone: string;
  now?: () => Date;
  /** How long an account's tier and budget are cached (tier changes reach every instance within it). */
  accountTtlMs?: number;
  /** How often open streams' progress is checkpointed and the instance's heartbeat written. */
  heartbeatMs?: number;
}

interface AccountConfig {
  account: Account;
  tier: Tier;
  loadedAt: number;
}

/** What a settled request consumed of each counter it held. */
export const consumed = (completionTokens: number, cost: bigint): Record<string, bigint> => ({
  [METRICS.requests]: 1n,
  [METRICS.tokensHour]: BigInt(completionTokens),
  [METRICS.tokensDay]: BigInt(completionTokens),
  [METRICS.spendMonth]: cost,
});

/** Prompt tokens can't exceed the prompt's UTF-8 bytes, plus a template's few tokens per message: a safe worst case. */
export const promptTokensUpperBound = (estimate: number) => estimate * 4 + 64;

interface Plan {
  /** Rate limits hold a sliding window, the budget its calendar month. */
  holds: (Hold & { window: SlidingWindow | Window; kind: LimitKind; scope: "account" | "key" })[];
}

/**
 * Tiers, windows, budgets and credit, enforced in Postgres: each request
 * reserves its worst case atomically before it reaches a backend and settles
 * to its real usage when it ends. Several instances sharing a database
 * enforce one global limit.
 */
export class DbLimiter implements Limiter {
  readonly instanceId = randomUUID();
  private accounts = new Map<string, AccountConfig>();
  private open = new Map<string, () => { promptTokens: number; completionTokens: number }>();
  private lastProgress = new Map<string, number>();
  private stopTimer: (() => void) | undefined;
  private holding = new Set<string>();
  /** The account's headers as its last reservation here left them: what requests that reserve nothing are told. */
  private lastHeaders = new Map<string, { headers: Record<string, string>; at: number }>();

  /** Reservations this instance holds now (taken, not yet settled). */
  get held(): number {
    return this.holding.size;
  }
  private readonly now: () => Date;

  constructor(private readonly options: DbLimiterOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private async accountConfig(accountId: string): Promise<AccountConfig> {
    const cached = this.accounts.get(accountId);
    if (cached && Date.now() - cached.loadedAt < (this.options.accountTtlMs ?? 2_000)) return cached;
    const generation = this.generation;
    const row = await findAccountById({ id: accountId });
    if (!row) throw new AppError(401, "authentication_error", "Invalid API key provided", null, "invalid_api_key");
    const config = { account: row.account, tier: row.tier, loadedAt: Date.now() };
    // A read that started before a change was announced is used once, never cached.
    if (generation === this.generation) this.accounts.set(accountId, config);
    return config;
  }

  /** Raised by every invalidate(): reads begun before it are not cached. */
  private generation = 0;

  /** Forget every cached account and tier (a tier or an account changed, here or on another instance). */
  invalidate() {
    this.generation++;
    this.accounts.clear();
  }

  /** A batch line's plan holds only the monthly budgets: batches run outside the live rate windows. */
  private plan(key: AuthenticatedKey, cfg: AccountConfig, at: Date, outputTokens: bigint, cost: bigint, batch = false): Plan {
    // Months (budgets) follow the account's own time zone when it has one.
    const tz = cfg.account.timezone ?? this.options.timezone;
    const { tier, account } = cfg;
    const holds: Plan["holds"] = [];
    const add = (scope: "account" | "key", kind: LimitKind, amount: bigint, limit: bigint | null) => {
      const window = windowOf(kind, at, tz);
      holds.push({ scope, kind, window, ...countedRange(window), scopeId: scope === "account" ? account.id : key.id, metric: METRICS[kind], amount, limit });
    };
    const min = (a: bigint | null, b: bigint | null) => (a === null ? b : b === null ? a : a < b ? a : b);
    const n = (v: number | null | undefined) => (v === null || v === undefined ? null : BigInt(v));

    if (!batch) add("account", "requests", 1n, BigInt(tier.requestsPerMinute));
    if (outputTokens > 0n && !batch) {
      if (tier.outputTokensPerHour !== null) add("account", "tokensHour", outputTokens, n(tier.outputTokensPerHour));
      if (tier.outputTokensPerDay !== null) add("account", "tokensDay", outputTokens, n(tier.outputTokensPerDay));
      // A key's windows are always counted, so a limit set on a key starts from what the key already used.
      add("key", "tokensHour", outputTokens, n(key.outputTokensPerHour));
      add("key", "tokensDay", outputTokens, n(key.outputTokensPerDay));
    }
    const accountCap = min(tier.monthlyLimitNanos, account.monthlyBudgetNanos);
    // Month-to-date spend is always counted: it is what the monthly cap and the console read.
    add("account", "spendMonth", cost, accountCap);
    add("key", "spendMonth", cost, key.monthlyBudgetNanos);
    return { holds };
  }

  async reserve(input: ReserveInput): Promise<Reservation> {
    const at = input.now ?? this.now();
    const cfg = await this.accountConfig(input.key.accountId);
    await this.options.prices.ready();
    const prices = this.options.prices.table(input.model.id, at);
    const outputTokens = BigInt(input.maxOutputTokens);
    const worst: UsageCounts = {
      promptTokens: promptTokensUpperBound(input.estimatedPromptTokens),
      completionTokens: input.maxOutputTokens,
      reasoningTokens: 0,
      units: input.units ?? {},
      estimated: true,
    };
    const batch = Boolean(input.batchId);
    const worstCost = costOf(billableQuantities(worst, { batch }), prices);
    const plan = this.plan(input.key, cfg, at, outputTokens, worstCost, batch);
    const reservationId = randomUUID();
    const prepaid = !cfg.tier.postpaid;
    const outcome = await reserveLimits({
      reservationId,
      requestId: input.requestId,
      accountId: cfg.account.id,
      keyId: input.key.id,
      userId: input.key.userId,
      instanceId: this.instanceId,
      modelId: input.model.id,
      endpoint: input.endpoint,
      holds: plan.holds,
      balanceHold: worstCost,
      enforceBalance: prepaid,
      activationNanos: prepaid ? cfg.tier.purchaseCreditNanos : null,
      prices: pricesToJson(prices),
      promptTokens: input.estimatedPromptTokens,
      batchId: input.batchId,
    });
    if (!outcome.ok) {
      const headers = await this.headersFor(input.key, at).catch(() => ({}) as Record<string, string>);
      const retryAt = outcome.reason === "limit" ? await this.retryAt(plan, outcome.hold).catch(() => null) : null;
      throw this.refusal(outcome, plan, cfg, at, headers, retryAt);
    }
    const headers = this.headers(plan, outcome.counters, at);
    if (!batch) this.rememberHeaders(cfg.account.id, headers);
    if (input.progress) this.open.set(reservationId, input.progress);
    this.holding.add(reservationId);
    return {
      at,
      headers,
      costOf: (usage) => costOf(billableQuantities(usage, { batch: Boolean(input.batchId) }), prices),
      settle: (usage, result) => this.settle(reservationId, cfg.account.id, input, at, prices, usage, result.db),
      defer: (usage) => this.defer(reservationId, cfg.account.id, input, at, prices, usage),
    };
  }

  /** What settle() writes, for the recorder to write in its next batch. */
  private settlementOf(reservationId: string, accountId: string, input: ReserveInput, at: Date, prices: PriceTable, usage: UsageCounts): DeferredSettlement {
    const quantities = billableQuantities(usage, { batch: Boolean(input.batchId) });
    const cost = costOf(quantities, prices);
    return {
      reservationId,
      accountId,
      actual: consumed(usage.completionTokens, cost),
      costNanos: cost,
      ledger: {
        keyId: input.key.id,
        modelId: input.model.id,
        usageEventId: input.usageEventId ?? input.requestId,
        at: at.toISOString(),
        details: {
          request_id: input.requestId,
          endpoint: input.endpoint,
          ...(input.batchId ? { batch: true, batch_id: input.batchId } : {}),
          estimated: usage.estimated,
          quantities: Object.fromEntries(Object.entries(quantities).map(([k, v]) => [k, v.toString()])),
          unit_prices_nanos: Object.fromEntries(Object.keys(quantities).map((k) => [k, prices[k as keyof PriceTable].toString()])),
        },
      },
    };
  }

  private defer(reservationId: string, accountId: string, input: ReserveInput, at: Date, prices: PriceTable, usage: UsageCounts) {
    this.open.delete(reservationId);
    this.lastProgress.delete(reservationId);
    this.holding.delete(reservationId);
    const settlement = this.settlementOf(reservationId, accountId, input, at, prices, usage);
    return { cost: settlement.costNanos, settlement };
  }

  private async settle(
    reservationId: string,
    accountId: string,
    input: ReserveInput,
    at: Date,
    prices: PriceTable,
    usage: UsageCounts,
    db: Db | undefined,
  ): Promise<bigint> {
    this.open.delete(reservationId);
    this.lastProgress.delete(reservationId);
    const settlement = this.settlementOf(reservationId, accountId, input, at, prices, usage);
    const cost = settlement.costNanos;
    const settled = await settleReservation({ ...settlement, db });
    this.holding.delete(reservationId);
    return settled ? cost : 0n;
  }

  /**
   * When a refused hold could fit: the end of its month, or for a sliding
   * window the moment enough of the oldest buckets have left it.
   */
  private async retryAt(plan: Plan, refused: Hold): Promise<Date> {
    const hold = plan.holds.find((h) => h.metric === refused.metric && h.scopeId === refused.scopeId)!;
    if (!isSliding(hold.window)) return hold.window.end;
    const window = hold.window;
    const buckets = await readBuckets(hold);
    const total = buckets.reduce((sum, b) => sum + b.amount, 0n);
    let over = total + hold.amount - (hold.limit ?? 0n);
    for (const b of buckets) {
      over -= b.amount;
      if (over <= 0n) return leavesWindowAt(b.start, window);
    }
    // More than the whole window allows: nothing frees enough; say when it is empty.
    return leavesWindowAt(window.bucket.start, window);
  }

  private refusal(
    outcome: Exclude<Awaited<ReturnType<typeof reserveLimits>>, { ok: true }>,
    plan: Plan,
    cfg: AccountConfig,
    at: Date,
    headers: Record<string, string>,
    retryAt: Date | null,
  ) {
    if (outcome.reason === "activation") {
      return new AppError(
        429,
        "insufficient_quota",
        `${cfg.tier.name} requires a purchase credit of ${formatMoney(cfg.tier.purchaseCreditNanos ?? 0n)}; this account has bought ${formatMoney(outcome.purchasedNanos)}. Add credit to activate the tier.`,
        null,
        "insufficient_quota",
        headers,
      );
    }
    if (outcome.reason === "balance") {
      return new AppError(
        429,
        "insufficient_quota",
        `Insufficient credit: the prepaid balance (${formatMoney(outcome.balanceNanos - outcome.reservedNanos)} available) cannot cover this request. Add credit or lower max_tokens.`,
        null,
        "insufficient_quota",
        headers,
      );
    }
    const hold = plan.holds.find((h) => h.metric === outcome.hold.metric && h.scopeId === outcome.hold.scopeId)!;
    const until = retryAt ?? (isSliding(hold.window) ? leavesWindowAt(hold.window.bucket.start, hold.window) : hold.window.end);
    const retryAfter = String(Math.max(1, Math.ceil((until.getTime() - at.getTime()) / 1000)));
    if (hold.kind === "spendMonth") {
      return new AppError(
        429,
        "insufficient_quota",
        `Monthly budget exceeded: ${hold.scope === "key" ? "this key's" : "the account's"} budget of ${formatMoney(hold.limit ?? 0n)} for this month cannot cover this request.`,
        null,
        "monthly_budget_exceeded",
        { ...headers, "retry-after": retryAfter },
      );
    }
    return new AppError(429, "rate_limit_error", "Rate limit exceeded. Please upgrade your tier or try again later.", null, "rate_limit_exceeded", {
      ...headers,
      "retry-after": retryAfter,
    });
  }

  private headers(plan: Plan, states: CounterState[], at: Date): Record<string, string> {
    const out: Record<string, string> = {};
    const set = (suffix: string, i: number) => {
      const h = plan.holds[i]!;
      if (h.limit === null) return;
      const s = states[i]!;
      const remaining = h.limit - s.used - s.reserved;
      out[`x-ratelimit-limit-${suffix}`] = h.limit.toString();
      out[`x-ratelimit-remaining-${suffix}`] = (remaining < 0n ? 0n : remaining).toString();
      out[`x-ratelimit-reset-${suffix}`] = String(unixSeconds(resetAt(h.window, s.oldest, at)));
    };
    plan.holds.forEach((h, i) => {
      if (h.scope !== "account") return;
      if (h.kind === "requests") set("requests", i);
      if (h.kind === "tokensHour") set("tokens", i);
      if (h.kind === "tokensDay") set("tokens-day", i);
    });
    return out;
  }

  private rememberHeaders(accountId: string, headers: Record<string, string>) {
    this.lastHeaders.set(accountId, { headers, at: Date.now() });
    // Accounts not seen for a while are forgotten, so the map stays as small as the set of active accounts.
    if (this.lastHeaders.size > 10_000) for (const [k, v] of this.lastHeaders) if (Date.now() - v.at > HEADERS_FRESH_MS) this.lastHeaders.delete(k);
  }

  /**
   * The same headers for a request that reserves nothing: those of the account's last reservation on this
   * instance when it is less than a second old (no database read), else from the counters as they are.
   */
  async headersFor(key: AuthenticatedKey, at = this.now()): Promise<Record<string, string>> {
    const last = this.lastHeaders.get(key.accountId);
    if (last && Date.now() - last.at < HEADERS_FRESH_MS) return last.headers;
    const cfg = await this.accountConfig(key.accountId);
    const plan = this.plan(key, cfg, at, 1n, 0n);
    plan.holds = plan.holds.filter((h) => h.scope === "account" && h.kind !== "spendMonth");
    return this.headers(plan, await readWindows(plan.holds), at);
  }

  /** Heartbeat this instance and checkpoint open streams, so a crash loses nothing that was generated. */
  async beat(): Promise<void> {
    // Liveness is real time, whatever clock the windows are read with: the sweepers of other instances compare it with theirs.
    await heartbeatInstance({ id: this.instanceId, hostname: os.hostname(), at: new Date() });
    const rows: { id: string; promptTokens: number; completionTokens: number }[] = [];
    for (const [id, progress] of this.open) {
      const p = progress();
      if (this.lastProgress.get(id) === p.completionTokens) continue;
      this.lastProgress.set(id, p.completionTokens);
      rows.push({ id, ...p });
    }
    await checkpointReservations(rows);
  }

  start(): void {
    this.stop();
    void this.beat().catch(() => {});
    this.stopTimer = every(this.options.heartbeatMs ?? 2_000, () => this.beat(), (err) => log.warn("heartbeat failed", errorFields(err)));
  }

  async stopAndLeave(): Promise<void> {
    this.stop();
    await removeInstance({ id: this.instanceId }).catch(() => {});
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }
}
