import { randomUUID } from "node:crypto";
import os from "node:os";
import {
  type CounterState,
  type DeferredSettlement,
  type Hold,
  type KeyLimits,
  type LeaseOp,
  type LeasedCheckpoint,
  type LimitVersions,
  type SettledLeasedHold,
  ackLimits,
  checkpointLeased,
  checkpointReservations,
  findLimitConfig,
  heartbeatInstance,
  leaseLimits,
  readBuckets,
  readLimitVersions,
  readWindows,
  removeInstance,
  reserveLimits,
  settleLeased,
  settleReservation,
} from "@/db/queries/limits";
import type { Db } from "@/db/client";
import type { Account, Tier } from "@/db/schema";
import { billableQuantities, costOf, pricesToJson } from "../billing/cost";
import { formatMoney } from "../format";
import type { PriceBook, PriceTable } from "../billing/prices";
import { AppError } from "../errors";
import type { Limiter, Progress, Reservation, ReserveInput, UsageCounts } from "../gateway/context";
import type { AuthenticatedKey } from "../keys/cache";
import { errorFields, log } from "../log";
import { type LimitKind, type SlidingWindow, type Window, countedRange, isSliding, leavesWindowAt, resetAt, unixSeconds, windowOf } from "./windows";
import { every } from "../every";
import { isoOf } from "../iso";
import { AccountLeases, type Drawn, LEASES, type Lease, type LeasedLimit, type Want, grantOp, leaseWindowIso, leasedHold, windowEndOf, windowStartOf, windowsOf } from "./leases";

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
  /** Admit the requests of busy accounts against leases (default); false: every request reserves in the database. */
  leases?: boolean;
}

interface AccountConfig {
  account: Account;
  tier: Tier;
  /** The own limits of the account's keys seen lately (read with the account: one version of its limits). */
  keys: Map<string, KeyLimits>;
  /** The versions of the account's limits it was read under, and the same as one string. */
  versions: LimitVersions;
  version: string;
  loadedAt: number;
  /** The limiter's `limitsGeneration` when it was read: a config read before a change to limits was applied here is never drawn on. */
  limitsGeneration: number;
}

/** A key's limits kept per account: at most this many keys (those seen lately are read again with the account). */
const KEYS_PER_ACCOUNT = 64;

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

/** A request admitted against leases: what it drew, and its limits only counted. */
interface LeasedAdmission {
  acct: AccountLeases;
  drawn: Drawn[];
  /** Holds with no limit: nothing drawn, their usage is added when settled. */
  counted: Plan["holds"];
  settled: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Tiers, windows, budgets and credit, enforced in Postgres. A busy account's
 * requests are admitted against leases this instance holds on its limits
 * (see ./leases.ts), in memory; the others, and every request near a limit,
 * reserve their worst case atomically in the database before they reach a
 * backend. Each settles to its real usage when it ends. Several instances
 * sharing a database enforce one global limit.
 */
export class DbLimiter implements Limiter {
  readonly instanceId = randomUUID();
  settlements?: Limiter["settlements"];
  private accounts = new Map<string, AccountConfig>();
  private open = new Map<string, Progress>();
  private lastProgress = new Map<string, number>();
  /** Requests admitted against leases that want a checkpoint once they outlive a heartbeat (streams). */
  private leasedOpen = new Map<string, { row: () => Omit<LeasedCheckpoint, "promptTokens" | "completionTokens">; progress: Progress; since: number }>();
  private stopTimer: (() => void) | undefined;
  private stopTick: (() => void) | undefined;
  private holding = new Set<string>();
  /** The account's headers as its last reservation here left them: what requests that reserve nothing are told. */
  private lastHeaders = new Map<string, { headers: Record<string, string>; at: number }>();
  /** Leases of the accounts this instance serves busily. */
  private leased = new Map<string, AccountLeases>();
  /** When this instance's heartbeat last reached the database (real time); leases are drawn from only while it is recent. */
  private lastBeatOk = 0;
  /** The last version of the 'limits' topic applied here, and when the poll that last found it current was sent (real time). */
  private limitsSeen = 0;
  private viewAt = 0;
  private started = false;
  private lastCallError = 0;

  /** Reservations this instance holds now (taken, not yet settled), against leases or in the database. */
  get held(): number {
    return this.holding.size;
  }

  private admitted = { leased: 0, database: 0 };

  /** Requests admitted so far against leases and in the database, and the leases open now. */
  get admissions(): { leased: number; database: number; leases: number } {
    let leases = 0;
    for (const acct of this.leased.values()) for (const l of acct.limits.values()) for (const x of l.leases) if (x.open) leases++;
    return { ...this.admitted, leases };
  }
  private readonly now: () => Date;

  constructor(private readonly options: DbLimiterOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The account's tier, budget and the key's own limits, cached for a moment. They are not trusted for
   * exactness: every lease grant and every reservation in the database is checked against the versions they
   * were read under (see drizzle/0018_limit_versions.sql), and read again when refused as stale (`fresh`).
   */
  private async accountConfig(accountId: string, keyId: string, fresh = false): Promise<AccountConfig> {
    const cached = this.accounts.get(accountId);
    const ttl = this.options.accountTtlMs ?? 2_000;
    const age = cached ? Date.now() - cached.loadedAt : Infinity;
    if (cached && !fresh && age < ttl && cached.keys.has(keyId)) {
      // Read again ahead of its expiry, off the request path: a busy account never waits for its config.
      if (age >= ttl / 2) void this.readConfig(accountId, keyId, cached).catch(() => {});
      return cached;
    }
    // Requests that miss together share one read (one that is asked for fresh never joins an older one).
    const config = await (fresh ? this.loadConfig(accountId, this.keyIdsToRead(keyId, cached)) : this.readConfig(accountId, keyId, cached));
    if (!config || !config.keys.has(keyId)) throw new AppError(401, "authentication_error", "Invalid API key provided", null, "invalid_api_key");
    return config;
  }

  /** Reads of account configs in flight, one per account: what requests arriving meanwhile wait for. */
  private configReads = new Map<string, { keys: Set<string>; read: Promise<AccountConfig | null> }>();

  private readConfig(accountId: string, keyId: string, cached: AccountConfig | undefined): Promise<AccountConfig | null> {
    const inFlight = this.configReads.get(accountId);
    if (inFlight?.keys.has(keyId)) return inFlight.read;
    const keyIds = this.keyIdsToRead(keyId, cached);
    const keys = new Set(keyIds);
    const read = this.loadConfig(accountId, keyIds).finally(() => {
      if (this.configReads.get(accountId)?.read === read) this.configReads.delete(accountId);
    });
    this.configReads.set(accountId, { keys, read });
    return read;
  }

  /** The keys whose own limits are read with the account's: this one and the last ones seen. */
  private keyIdsToRead(keyId: string, cached: AccountConfig | undefined): string[] {
    return [keyId, ...[...(cached?.keys.keys() ?? [])].filter((k) => k !== keyId).slice(-(KEYS_PER_ACCOUNT - 1))];
  }

  /** The account's config with the limits of `keyIds` (those that exist); null when the account is gone. */
  private async loadConfig(accountId: string, keyIds: string[]): Promise<AccountConfig | null> {
    const generation = this.generation;
    const limitsGeneration = this.limitsGeneration;
    const row = await findLimitConfig({ accountId, keyIds });
    if (!row) return null;
    const versions = { account: row.account.limitsVersion, tier: row.tier.limitsVersion };
    const config: AccountConfig = { ...row, versions, version: `${versions.account}:${versions.tier}`, loadedAt: Date.now(), limitsGeneration };
    // A read that started before a change was seen is used once (in the database, where it is checked), never cached.
    if (generation === this.generation) this.accounts.set(accountId, config);
    return config;
  }

  /** Raised by every invalidate(): reads begun before it are not cached. */
  private generation = 0;
  /** Raised when a change to limits is applied here (configPolled): configs read before are not drawn on against leases. */
  private limitsGeneration = 0;

  /** Forget every cached account and tier (a tier or an account changed, here or on another instance). */
  invalidate() {
    this.generation++;
    this.accounts.clear();
    // Requests from now on read anew rather than wait for a read begun before the change.
    this.configReads.clear();
  }

  /** A batch line's plan holds only the monthly budgets: batches run outside the live rate windows. */
  private plan(key: AuthenticatedKey, cfg: AccountConfig, at: Date, outputTokens: bigint, cost: bigint, batch = false): Plan {
    // The key's own limits as read with the account's (the key cache's copy may be older).
    const own = cfg.keys.get(key.id)!;
    // Months (budgets) follow the account's own time zone when it has one.
    const tz = this.tzOf(cfg);
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
      add("key", "tokensHour", outputTokens, n(own.outputTokensPerHour));
      add("key", "tokensDay", outputTokens, n(own.outputTokensPerDay));
    }
    const accountCap = min(tier.monthlyLimitNanos, account.monthlyBudgetNanos);
    // Month-to-date spend is always counted: it is what the monthly cap and the console read.
    add("account", "spendMonth", cost, accountCap);
    add("key", "spendMonth", cost, own.monthlyBudgetNanos);
    return { holds };
  }

  private tzOf(cfg: AccountConfig): string {
    return cfg.account.timezone ?? this.options.timezone;
  }

  async reserve(input: ReserveInput): Promise<Reservation> {
    for (let attempt = 0; ; attempt++) {
      const cfg = await this.accountConfig(input.key.accountId, input.key.id, attempt > 0);
      const reservation = await this.reserveWith(input, cfg);
      if (reservation) return reservation;
      // The limits changed since they were read: read again. Changes that keep coming get a 503 to retry.
      if (attempt >= 4) throw new AppError(503, "service_unavailable_error", "The account's limits are being changed; try again shortly", null, "limits_changing");
    }
  }

  /** Reserve under the limits `cfg` holds; null when they are found stale (changed since they were read). */
  private async reserveWith(input: ReserveInput, cfg: AccountConfig): Promise<Reservation | null> {
    const at = input.now ?? this.now();
    if (!this.options.prices.isReady) await this.options.prices.ready();
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
    const prepaid = !cfg.tier.postpaid;

    // A busy account's request, far from its limits: admitted against this instance's leases, in memory.
    const acct = batch || !input.usageEventId || this.options.leases === false ? null : this.leaseAccount(cfg);
    const wants = acct ? this.wantsOf(acct, plan, prepaid ? worstCost : null) : [];
    if (acct) {
      const admission = await this.admit(acct, wants, cfg);
      if (admission) {
        this.admitted.leased++;
        return this.leasedReservation(input, cfg, at, prices, plan, acct, admission);
      }
    }

    const reservationId = randomUUID();
    // This instance's leases of the account, even when the request may not draw on them (its headers count them).
    const held = acct ?? (batch ? null : (this.leased.get(cfg.account.id) ?? null));
    // Near a limit (or for a quiet account): reserved in the database, exactly, this instance's remnants given back first.
    // Gives queued for the next lease call (leases closed: limit changed, bucket over) go with it too.
    let give = held ? [...held.gives.splice(0), ...(acct ? this.remnants(acct, acct.misses(wants)) : [])] : [];
    const deadline = Date.now() + LEASES.waitMs;
    let wait = 20;
    let settled = false;
    let outcome: Awaited<ReturnType<typeof reserveLimits>>;
    let headers: Record<string, string>;
    // The snapshot the reservation answers with is read against what is known here of the leases (see roomAt).
    const read = held?.reads();
    try {
      for (;;) {
        try {
          const call = reserveLimits({
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
            give,
            versions: cfg.versions,
          });
          // Gives on their way with a reservation are waited for like lease calls (a change to limits is acknowledged after them).
          outcome = await (held && give.length > 0 ? held.track(call) : call);
          held?.given(give);
        } catch (err) {
          // Not given back then: the next lease call does it.
          if (held) held.gives.push(...give);
          throw err;
        }
        give = [];
        if (!outcome.ok && outcome.reason === "stale") {
          // Read under limits changed since: not reserved. Read them again; leases taken under them are closed.
          if (this.accounts.get(cfg.account.id) === cfg) this.accounts.delete(cfg.account.id);
          if (held && held.version === cfg.version) this.closeAccount(held);
          return null;
        }
        if (outcome.ok || outcome.reason === "activation") break;
        // Refused: first this instance's own unused leases on that limit, then (while other instances hold live
        // leases on it, which they give back when idle) a short wait: a refusal leaves no room unused anywhere.
        const hold = outcome.reason === "limit" ? outcome.hold : null;
        const refused = wants.filter((w) => (hold ? w.limit.metric === hold.metric && w.limit.scopeId === hold.scopeId : w.limit.kind === "balance"));
        if (held) {
          const gives = [...held.gives.splice(0), ...this.remnants(held, refused, true)];
          give = gives.filter((g) => g.amount > 0n);
          held.gives.push(...gives.filter((g) => g.amount === 0n));
        }
        if (give.length > 0) continue;
        // Requests answered here but not settled yet (queued, or in a batch being written) still hold their worst
        // cases: settle them, then look again.
        if (!settled && this.settlements) {
          settled = true;
          await this.settlements.flush();
          continue;
        }
        if (outcome.elsewhere > 0n && Date.now() + wait < deadline) {
          await sleep(wait);
          wait = Math.min(wait * 2, 200);
          continue;
        }
        break;
      }
      if (!outcome.ok) {
        const headers = await this.headersFor(input.key, at).catch(() => ({}) as Record<string, string>);
        const retryAt = outcome.reason === "limit" ? await this.retryAt(plan, outcome.hold).catch(() => null) : null;
        throw this.refusal(outcome, plan, cfg, at, headers, retryAt);
      }
      this.admitted.database++;
      headers = this.headers(plan, outcome.counters, at, held);
      if (acct) this.observeExact(acct, plan, outcome.counters, outcome.seq, wants);
    } finally {
      read?.();
    }
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

  /**
   * Whether leases may be drawn from: started, the heartbeat recent (the others reclaim a silent instance's
   * leases), and every change to limits committed more than LEASES.viewMs ago applied here (configPolled).
   */
  private get leasing(): boolean {
    const now = Date.now();
    return this.started && now - this.lastBeatOk < LEASES.ttlMs && now - this.viewAt < LEASES.viewMs;
  }

  /** The account's leases here, for a request under `cfg`; null when `cfg` is older than the limits they follow. */
  private leaseAccount(cfg: AccountConfig): AccountLeases | null {
    // Read before a change to limits was seen here: only the database (which checks its versions) may admit it.
    if (cfg.limitsGeneration !== this.limitsGeneration) return null;
    const activation = cfg.tier.postpaid ? null : cfg.tier.purchaseCreditNanos;
    let acct = this.leased.get(cfg.account.id);
    if (!acct) {
      acct = new AccountLeases(cfg.account.id, this.tzOf(cfg), activation);
      this.leased.set(cfg.account.id, acct);
    }
    if (acct.version !== cfg.version) {
      if (acct.versions && !newer(cfg.versions, acct.versions)) return null;
      // Newer limits: the leases taken under the older ones are closed (their grants in flight come straight back).
      if (acct.version !== null) this.closeAccount(acct);
      acct.version = cfg.version;
      acct.versions = cfg.versions;
    }
    acct.tz = this.tzOf(cfg);
    acct.activationNanos = activation;
    acct.noteRequest();
    return acct;
  }

  /** The request's limited holds as draws on leases (and the prepaid balance's, `balance` its worst cost). */
  private wantsOf(acct: AccountLeases, plan: Plan, balance: bigint | null): Want[] {
    const wants: Want[] = [];
    for (const h of plan.holds) {
      if (h.limit === null) continue;
      wants.push({ limit: acct.limit(h.scopeId, h.metric, h.kind, h.limit), windowStart: h.windowStart.getTime(), amount: h.amount });
    }
    if (balance !== null) wants.push({ limit: acct.limit(acct.accountId, "balance", "balance", null), windowStart: 0, amount: balance });
    acct.noteDemand(wants);
    return wants;
  }

  /**
   * Draw the request from leases: at once when they hold enough, else after a lease call (which requests
   * arriving meanwhile share); null when the account is not busy, a limit is near, or leases stay short.
   */
  private async admit(acct: AccountLeases, wants: Want[], cfg: AccountConfig): Promise<Drawn[] | null> {
    if (!acct.busy) return null;
    // Drawn only under the limits the leases were taken under, while changes to them are seen in time.
    const usable = () => this.leasing && cfg.limitsGeneration === this.limitsGeneration && acct.version === cfg.version;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!usable()) return null;
      const drawn = acct.draw(wants);
      if (drawn) return drawn;
      const misses = acct.misses(wants);
      if (!acct.worthLeasing(misses)) return null;
      if (acct.pending) await acct.pending;
      else await this.call(acct, this.grantsFor(acct, misses));
    }
    return usable() ? acct.draw(wants) : null;
  }

  /** Grants that cover the missing holds (and what requests asked for lately). */
  private grantsFor(acct: AccountLeases, misses: Want[]): { op: LeaseOp; limit: LeasedLimit; lease: Lease | null }[] {
    const at = this.now();
    const seen = new Set<LeasedLimit>();
    const ops: { op: LeaseOp; limit: LeasedLimit; lease: Lease | null }[] = [];
    for (const w of misses) {
      if (seen.has(w.limit)) continue;
      seen.add(w.limit);
      const { current } = windowsOf(w.limit.kind, at, acct.tz);
      // A request for another bucket than the clock's (a test's clock): not leased.
      if (windowStartOf(current) !== w.windowStart) continue;
      const have = w.limit.lease(w.windowStart)?.available ?? 0n;
      let want = w.limit.want - have;
      if (want < w.amount) want = w.amount * 2n;
      if (want < w.limit.min) want = w.limit.min;
      ops.push({ ...grantOp(w.limit, current, want), limit: w.limit });
    }
    return ops;
  }

  /** One lease call for an account (grants, top-ups, reads, and the gives queued): requests that need it wait for it. */
  private call(acct: AccountLeases, grants: { op: LeaseOp; limit: LeasedLimit; lease: Lease | null }[]): Promise<void> {
    // Grants only under the limits the account's leases follow (none while it has none: gives only).
    if (acct.versions === null) grants = [];
    const gives = acct.gives.splice(0);
    const ops = [...grants.map((g) => g.op), ...gives.map((g): LeaseOp => ({ op: "give", id: g.id, amount: g.amount, drain: true }))];
    if (ops.length === 0) return Promise.resolve();
    const epoch = acct.epoch;
    const version = acct.version;
    acct.asking = new Set(grants.filter((g) => g.op.op === "grant" && g.op.new).map((g) => g.op.id));
    const read = acct.reads();
    const run = (async () => {
      try {
        const results = await leaseLimits({
          accountId: acct.accountId,
          instanceId: this.instanceId,
          activationNanos: acct.activationNanos,
          ops,
          versions: acct.versions ?? { account: -1, tier: -1 },
        });
        const at = this.now();
        acct.given(gives);
        if (acct.epoch !== epoch) {
          // The account's leases were closed while the call was on its way (its limits changed): what it granted goes straight back.
          grants.forEach((g, i) => {
            const r = results[i]!;
            if ("granted" in r && r.granted > 0n) acct.backStraight(g.op.id, r.granted, g.lease);
          });
        } else if (results.some((r) => "stale" in r && r.stale)) {
          // Asked under limits changed since: nothing granted; the leases taken under them are closed, the limits read again.
          if (this.accounts.get(acct.accountId)?.version === version) this.accounts.delete(acct.accountId);
          this.closeAccount(acct);
        } else {
          grants.forEach((g, i) => {
            const current = windowStartOf(windowsOf(g.limit.kind, at, acct.tz).current);
            acct.applyGrant(g.limit, g.op as Extract<LeaseOp, { op: "grant" }>, g.lease, results[i]!, current);
          });
        }
        acct.lastCallAt = Date.now();
      } catch (err) {
        // Nothing was granted; the gives go with the next call.
        acct.gives.push(...gives);
        if (Date.now() - this.lastCallError > 5_000) log.warn("lease call failed", errorFields(err));
        this.lastCallError = Date.now();
      } finally {
        acct.pending = null;
        acct.asking = new Set();
        read();
      }
    })();
    acct.pending = run;
    return run;
  }

  /** Close every lease of the account (its limits changed): nothing more is drawn from them, grants in flight come back. */
  private closeAccount(acct: AccountLeases): void {
    acct.closeAll();
    if (!acct.pending) void this.call(acct, []);
  }

  /**
   * A configuration poll sent at `sentAt` (real time) found the 'limits' topic at `version`. When it moved,
   * the leases of the accounts whose limits changed are closed and given back at once, every config read
   * before is forgotten (and never drawn on), and the instance says it has applied the version (ackLimits:
   * what a change to limits waits for, see ./propagation.ts). Leases are drawn from only while the last
   * poll applied was sent less than LEASES.viewMs ago: an instance that cannot poll stops drawing by itself
   * before a change that it has not seen can be that old.
   */
  async configPolled(version: number, sentAt: number): Promise<void> {
    if (version !== this.limitsSeen) {
      const current = await readLimitVersions({ accountIds: [...this.leased.keys()] });
      this.invalidate();
      this.limitsGeneration++;
      for (const [id, acct] of this.leased) if (acct.version !== null && acct.version !== current.get(id)) acct.closeAll();
      // Given back before the change is acknowledged (with those closed by requests that saw it first): its save
      // returns with the room of the old leases free again.
      await Promise.all([...this.leased.values()].filter((a) => a.gives.length > 0 || a.pending || a.giving.size > 0).map((a) => this.giveBack(a)));
      if (version > this.limitsSeen) this.limitsSeen = version;
      await ackLimits({ id: this.instanceId, version: this.limitsSeen });
    }
    if (sentAt > this.viewAt) this.viewAt = sentAt;
  }

  /** Send the account's queued gives now (after the lease call in flight, if any). */
  private async giveBack(acct: AccountLeases): Promise<void> {
    while (acct.pending) await acct.pending;
    await this.call(acct, []);
    await Promise.allSettled([...acct.giving]);
  }

  /**
   * Close this instance's leases of the limits these holds miss on (too small for the request): their
   * unused part goes back with the request's reservation, so it can count on it. `all`: every bucket's.
   */
  private remnants(acct: AccountLeases, misses: Want[], all = false) {
    const gives: { id: string; amount: bigint }[] = [];
    for (const w of misses) gives.push(...acct.close(w.limit, (l) => all || l.windowStart === w.windowStart));
    return gives;
  }

  /**
   * What a reservation in the database (its snapshot numbered `seq`) says of the windows: what is left beyond
   * this instance's leases, for the headers of the requests admitted against them next, and whether leases
   * must stop (or may start again). A limit found near has this instance's leases on it closed: near a limit,
   * room held unused here would be missing to requests of other instances.
   */
  private observeExact(acct: AccountLeases, plan: Plan, states: CounterState[], seq: bigint, wants: Want[]) {
    plan.holds.forEach((h, i) => {
      if (h.limit === null) return;
      const w = wants.find((x) => x.limit.scopeId === h.scopeId && x.limit.metric === h.metric);
      if (!w) return;
      const s = states[i]!;
      const free = h.limit - s.used - s.reserved;
      // Remaining as the headers say it (free, and this instance's room then), less what its leases hold unused now.
      const left = free + this.roomAt(acct, h, s) - w.limit.available;
      if (w.limit.observe(h.windowStart.getTime(), seq, left, s.oldest, free) && w.limit.near) acct.gives.push(...acct.close(w.limit));
    });
  }

  /** This instance's room in a hold's window when `s` was read: what its leases held unused then (see AccountLeases.roomAt). */
  private roomAt(acct: AccountLeases | null, h: Hold, s: CounterState): bigint {
    const l = acct?.limits.get(`${h.scopeId}|${h.metric}`);
    if (!acct || !l) return 0n;
    if (!s.own) return l.available;
    return acct.roomAt(l, s.own, (h.since ?? h.windowStart).getTime(), (h.until ?? h.windowStart).getTime());
  }

  private leasedReservation(input: ReserveInput, cfg: AccountConfig, at: Date, prices: PriceTable, plan: Plan, acct: AccountLeases, drawn: Drawn[]): Reservation {
    const reservationId = randomUUID();
    const admission: LeasedAdmission = { acct, drawn, counted: plan.holds.filter((h) => h.limit === null), settled: false };
    const headers = this.leasedHeaders(acct, plan, at);
    this.rememberHeaders(cfg.account.id, headers);
    if (input.progress) {
      // Built only for a request that outlives half a heartbeat (a checkpoint): most end long before.
      this.leasedOpen.set(reservationId, {
        row: () => ({
          id: reservationId,
          requestId: input.requestId,
          accountId: cfg.account.id,
          keyId: input.key.id,
          userId: input.key.userId,
          instanceId: this.instanceId,
          modelId: input.model.id,
          endpoint: input.endpoint,
          createdAt: at,
          prices: pricesToJson(prices),
          leased: {
            usageEventId: input.usageEventId!,
            eventAt: isoOf(at),
            holds: [
              ...drawn.map(leasedHold),
              ...admission.counted.map((h) => ({ leaseId: null, scopeId: h.scopeId, metric: h.metric, windowStart: isoOf(h.windowStart), drawn: "0" })),
            ],
          },
        }),
        progress: input.progress,
        since: Date.now(),
      });
    }
    this.holding.add(reservationId);
    const settlement = (usage: UsageCounts) => this.leasedSettlement(reservationId, admission, cfg.account.id, input, at, prices, usage);
    return {
      at,
      headers,
      costOf: (usage) => costOf(billableQuantities(usage, { batch: false }), prices),
      settle: async (usage, result) => {
        const s = settlement(usage);
        return (await settleLeased({ ...s, db: result.db })) ? s.costNanos : 0n;
      },
      defer: (usage) => {
        const s = settlement(usage);
        return { cost: s.costNanos, settlement: s };
      },
    };
  }

  /**
   * A leased request's settlement: what it did not use goes back to its lease here (or, the lease closed, to
   * the database with the settlement); what it used is written with its usage event.
   */
  private leasedSettlement(reservationId: string, a: LeasedAdmission, accountId: string, input: ReserveInput, at: Date, prices: PriceTable, usage: UsageCounts): DeferredSettlement {
    const base = this.settlementOf(reservationId, accountId, input, at, prices, usage);
    this.leasedOpen.delete(reservationId);
    this.holding.delete(reservationId);
    const holds: SettledLeasedHold[] = [];
    for (const d of a.drawn) {
      const used = d.limit.metric === "balance" ? base.costNanos : (base.actual[d.limit.metric] ?? 0n);
      const take = used < d.amount ? used : d.amount;
      let back = take;
      if (!a.settled) {
        d.lease.inflight -= d.amount;
        if (d.lease.open) d.lease.available += d.amount - take;
        else back = d.amount;
        a.acct.drop(d.limit, d.lease);
      }
      holds.push({ leaseId: d.lease.id, scopeId: d.limit.scopeId, metric: d.limit.metric, windowStart: leaseWindowIso(d.lease), used, back });
    }
    for (const h of a.counted) {
      const used = base.actual[h.metric] ?? 0n;
      holds.push({ leaseId: null, scopeId: h.scopeId, metric: h.metric, windowStart: isoOf(h.windowStart), used, back: 0n });
    }
    a.settled = true;
    base.leased = { usageEventId: input.usageEventId!, eventAt: base.ledger.at ?? isoOf(at), holds };
    return base;
  }

  /** What settle() writes, for the recorder to write in its next batch. */
  private settlementOf(reservationId: string, accountId: string, input: ReserveInput, at: Date, prices: PriceTable, usage: UsageCounts): DeferredSettlement {
    const quantities = billableQuantities(usage, { batch: Boolean(input.batchId) });
    const cost = costOf(quantities, prices);
    const quantityStrings: Record<string, string> = {};
    const unitPrices: Record<string, string> = {};
    for (const k in quantities) {
      quantityStrings[k] = quantities[k as keyof typeof quantities]!.toString();
      unitPrices[k] = prices[k as keyof PriceTable].toString();
    }
    return {
      reservationId,
      accountId,
      actual: consumed(usage.completionTokens, cost),
      costNanos: cost,
      ledger: {
        keyId: input.key.id,
        modelId: input.model.id,
        usageEventId: input.usageEventId ?? input.requestId,
        at: isoOf(at),
        details: {
          request_id: input.requestId,
          endpoint: input.endpoint,
          ...(input.batchId ? { batch: true, batch_id: input.batchId } : {}),
          estimated: usage.estimated,
          quantities: quantityStrings,
          unit_prices_nanos: unitPrices,
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
    outcome: Exclude<Awaited<ReturnType<typeof reserveLimits>>, { ok: true } | { reason: "stale" }>,
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

  /**
   * X-RateLimit-* of the account's limits, from the counters as a reservation in the database left them (or as
   * read), plus what this instance's leases held unused then: the counters' `reserved` counts them whole.
   */
  private headers(plan: Plan, states: CounterState[], at: Date, acct: AccountLeases | null = null): Record<string, string> {
    const out: Record<string, string> = {};
    plan.holds.forEach((h, i) => {
      const suffix = headerSuffix(h);
      if (!suffix || h.limit === null) return;
      const s = states[i]!;
      setHeaders(out, suffix, h.limit, h.limit - s.used - s.reserved + this.roomAt(acct, h, s), resetAt(h.window, s.oldest, at));
    });
    return out;
  }

  /**
   * The same from this instance's lease state, without a database read: what the database said was left when
   * this instance last called it (at most about a second ago while it leases), plus what its own leases hold
   * unused now. Other instances' use since that call shows at the next one.
   */
  private leasedHeaders(acct: AccountLeases, plan: Plan, at: Date): Record<string, string> {
    const out: Record<string, string> = {};
    for (const h of plan.holds) {
      const suffix = headerSuffix(h);
      if (!suffix || h.limit === null) continue;
      const l = acct.limits.get(`${h.scopeId}|${h.metric}`);
      if (!l) continue;
      setHeaders(out, suffix, h.limit, (l.left ?? 0n) + l.available, resetAt(h.window, l.oldest, at));
    }
    return out;
  }

  private rememberHeaders(accountId: string, headers: Record<string, string>) {
    this.lastHeaders.set(accountId, { headers, at: Date.now() });
    // Accounts not seen for a while are forgotten, so the map stays as small as the set of active accounts.
    if (this.lastHeaders.size > 10_000) for (const [k, v] of this.lastHeaders) if (Date.now() - v.at > HEADERS_FRESH_MS) this.lastHeaders.delete(k);
  }

  /**
   * The same headers for a request that reserves nothing: those of the account's last reservation on this
   * instance when it is less than a second old, else from this instance's lease state when it leases every
   * limit of the account, else from the counters as they are (a database read).
   */
  async headersFor(key: AuthenticatedKey, at = this.now()): Promise<Record<string, string>> {
    const last = this.lastHeaders.get(key.accountId);
    if (last && Date.now() - last.at < HEADERS_FRESH_MS) return last.headers;
    const cfg = await this.accountConfig(key.accountId, key.id);
    const plan = this.plan(key, cfg, at, 1n, 0n);
    plan.holds = plan.holds.filter((h) => h.scope === "account" && h.kind !== "spendMonth");
    const acct = this.leased.get(key.accountId);
    if (acct && plan.holds.every((h) => h.limit === null || acct.limits.get(`${h.scopeId}|${h.metric}`)?.left != null)) return this.leasedHeaders(acct, plan, at);
    if (!acct) return this.headers(plan, await readWindows(plan.holds), at);
    const read = acct.reads();
    try {
      return this.headers(plan, await readWindows(plan.holds, this.instanceId), at, acct);
    } finally {
      read();
    }
  }

  /**
   * Heartbeat this instance and checkpoint open requests, so a crash loses nothing that was generated:
   * those reserved in the database each beat, those admitted against leases once they outlive a beat.
   */
  async beat(): Promise<void> {
    // Liveness is real time, whatever clock the windows are read with: the sweepers of other instances compare it with theirs.
    const sent = Date.now();
    await heartbeatInstance({ id: this.instanceId, hostname: os.hostname(), at: new Date(), limitsSeen: this.limitsSeen });
    if (this.lastBeatOk > 0 && sent - this.lastBeatOk >= LEASES.ttlMs) {
      // Silent long enough for the others to take its leases back: start afresh (gives of leases gone do nothing).
      for (const acct of this.leased.values()) for (const l of acct.limits.values()) acct.gives.push(...acct.close(l));
    }
    this.lastBeatOk = sent;
    const rows: { id: string; promptTokens: number; completionTokens: number }[] = [];
    for (const [id, p] of this.open) {
      if (this.lastProgress.get(id) === p.completionTokens) continue;
      this.lastProgress.set(id, p.completionTokens);
      rows.push({ id, promptTokens: p.promptTokens, completionTokens: p.completionTokens });
    }
    await checkpointReservations(rows);
    const leased: LeasedCheckpoint[] = [];
    const beatMs = this.options.heartbeatMs ?? 2_000;
    for (const [id, r] of this.leasedOpen) {
      if (sent - r.since < beatMs / 2) continue;
      const p = r.progress;
      if (this.lastProgress.get(id) === p.completionTokens) continue;
      this.lastProgress.set(id, p.completionTokens);
      leased.push({ ...r.row(), promptTokens: p.promptTokens, completionTokens: p.completionTokens });
    }
    await checkpointLeased(leased);
    for (const id of this.lastProgress.keys()) if (!this.open.has(id) && !this.leasedOpen.has(id)) this.lastProgress.delete(id);
  }

  /**
   * Look after leases: close those of buckets that are over, give back those of accounts idle for a moment,
   * top up those running low (sized from the recent rate), take the next bucket's before it starts, and
   * re-read the windows at least every second while leasing (what headers say). One call per account.
   */
  private tick(elapsedMs: number): void {
    const at = this.now();
    const real = Date.now();
    const usable = this.leasing;
    for (const [id, acct] of this.leased) {
      if (acct.pending) continue;
      const idle = !usable || real - acct.lastRequestAt > LEASES.idleMs;
      const grants: { op: LeaseOp; limit: LeasedLimit; lease: Lease | null }[] = [];
      const reads: { op: LeaseOp; limit: LeasedLimit; lease: Lease | null }[] = [];
      for (const limit of acct.limits.values()) {
        limit.rate = limit.rate * 0.7 + (Number(limit.demand) * 1000 * 0.3) / Math.max(elapsedMs, 1);
        limit.demand = 0n;
        const { current, next } = windowsOf(limit.kind, at, acct.tz);
        const cws = windowStartOf(current);
        acct.gives.push(...acct.close(limit, (l) => idle || l.windowStart < cws));
        if (idle || !acct.busy) continue;
        if (limit.near) {
          if (real - acct.lastCallAt >= LEASES.refreshMs) reads.push({ ...grantOp(limit, current, 0n), limit });
          continue;
        }
        const cur = limit.lease(cws);
        if (!cur || cur.available < limit.lowWater) {
          let want = limit.want - (cur?.available ?? 0n);
          if (want < limit.min) want = limit.min;
          grants.push({ ...grantOp(limit, current, want), limit });
        } else if (real - acct.lastCallAt >= LEASES.refreshMs) reads.push({ ...grantOp(limit, current, 0n), limit });
        if (next && windowEndOf(current) - at.getTime() <= LEASES.prefetchMs && !limit.lease(windowStartOf(next))) {
          grants.push({ ...grantOp(limit, next, limit.want), limit });
        }
      }
      if (grants.length > 0 || acct.gives.length > 0) void this.call(acct, [...grants, ...reads]);
      else if (reads.length > 0) void this.call(acct, reads);
      else if (idle && acct.empty) this.leased.delete(id);
    }
  }

  start(): void {
    this.stop();
    this.started = true;
    void this.beat().catch(() => {});
    this.stopTimer = every(this.options.heartbeatMs ?? 2_000, () => this.beat(), (err) => log.warn("heartbeat failed", errorFields(err)));
    if (this.options.leases !== false) {
      let last = Date.now();
      const timer = setInterval(() => {
        const now = Date.now();
        this.tick(now - last);
        last = now;
      }, LEASES.tickMs);
      timer.unref();
      this.stopTick = () => clearInterval(timer);
    }
  }

  /** Give every lease back (what requests in flight drew is given back as they settle), then leave the instance list. */
  async stopAndLeave(): Promise<void> {
    this.stop();
    await this.releaseLeases();
    await removeInstance({ id: this.instanceId }).catch(() => {});
  }

  /** Close every lease and hand the unused parts back now. */
  async releaseLeases(): Promise<void> {
    await Promise.all(
      [...this.leased.values()].map(async (acct) => {
        while (acct.pending) await acct.pending;
        for (const l of acct.limits.values()) acct.gives.push(...acct.close(l));
        await this.call(acct, []);
      }),
    );
  }

  stop(): void {
    this.started = false;
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.stopTick?.();
    this.stopTick = undefined;
  }
}

/** Whether limits read under `a` are newer than those read under `b` (a tier's change of tier raises the account's version). */
function newer(a: LimitVersions, b: LimitVersions): boolean {
  return a.account > b.account || (a.account === b.account && a.tier > b.tier);
}

/** The X-RateLimit-* name of a hold's limit, or null: the account's requests, hourly and daily tokens. */
function headerSuffix(h: Plan["holds"][number]): string | null {
  if (h.scope !== "account") return null;
  return h.kind === "requests" ? "requests" : h.kind === "tokensHour" ? "tokens" : h.kind === "tokensDay" ? "tokens-day" : null;
}

/** Each suffix's header names, built once (a name built per request is a new string to hash each time). */
const HEADER_NAMES = new Map(
  ["requests", "tokens", "tokens-day"].map((s) => [s, { limit: `x-ratelimit-limit-${s}`, remaining: `x-ratelimit-remaining-${s}`, reset: `x-ratelimit-reset-${s}` }]),
);

function setHeaders(out: Record<string, string>, suffix: string, limit: bigint, remaining: bigint, reset: Date) {
  const names = HEADER_NAMES.get(suffix)!;
  out[names.limit] = limit.toString();
  out[names.remaining] = (remaining < 0n ? 0n : remaining > limit ? limit : remaining).toString();
  out[names.reset] = String(unixSeconds(reset));
}
