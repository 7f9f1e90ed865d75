import { eq, sql } from "drizzle-orm";
import { type Db, getDb } from "../client";
import { type Account, type Tier, accounts, tiers } from "../schema";
import { rowsOf } from "./rows";

/*
 * Reservations and settlements, each one round trip to a database function
 * (drizzle/0003_limit_functions.sql). Every change to an account's limits
 * first locks the account's balance row, so checks and updates of its
 * counters (and its keys' counters) never interleave, on one instance or many.
 */

export interface Hold {
  scopeId: string;
  metric: string;
  /** The window's current bucket (sliding windows) or the window itself (the month). */
  windowStart: Date;
  /** Sliding windows: the oldest bucket still counted; the check sums every bucket from there. */
  since?: Date | null;
  /** Sliding windows: the newest bucket counted (the next one, where a lease may already be held); unset: windowStart. */
  until?: Date | null;
  amount: bigint;
  /** Null: counted, not limited. */
  limit: bigint | null;
}

export interface CounterState {
  used: bigint;
  reserved: bigint;
  /** The oldest bucket with anything counted in the window, null when none. */
  oldest: Date | null;
  /** Asked for an instance: its lease rows counted in the window (part of `reserved`), as the same snapshot saw them. */
  own?: OwnLease[];
}

/** One of an instance's leases as a snapshot of its counter saw it: everything granted to it by then, and whether it was given back. */
export interface OwnLease {
  id: string;
  granted: bigint;
  draining: boolean;
}

const ownOf = (v: unknown): OwnLease[] =>
  ((typeof v === "string" ? JSON.parse(v) : (v ?? [])) as { id: string; granted: string; draining: boolean }[]).map((l) => ({
    id: String(l.id),
    granted: big(l.granted),
    draining: l.draining === true,
  }));

export type ReserveOutcome =
  /** `seq`: the snapshot's place among those of the account's lease and reservation calls (see drizzle/0019_lease_snapshots.sql). */
  | { ok: true; counters: CounterState[]; balance: { balanceNanos: bigint; reservedNanos: bigint }; seq: bigint }
  | { ok: false; reason: "activation"; purchasedNanos: bigint }
  | { ok: false; reason: "limit"; hold: Hold; state: CounterState; elsewhere: bigint }
  | { ok: false; reason: "balance"; balanceNanos: bigint; reservedNanos: bigint; elsewhere: bigint }
  /** The limits were read under versions that are no longer the account's: read them again. */
  | { ok: false; reason: "stale" };

export interface ReserveInput {
  reservationId: string;
  requestId: string;
  accountId: string;
  keyId: string;
  userId: string | null;
  instanceId: string;
  modelId: string;
  endpoint: string;
  holds: Hold[];
  balanceHold: bigint;
  enforceBalance: boolean;
  /** Prepaid tiers: the account must have bought at least this much credit. */
  activationNanos: bigint | null;
  prices: Record<string, string>;
  promptTokens: number;
  /** Set for a batch line's reservation (see reservations.batch_id). */
  batchId?: string | null;
  /** This instance's unused leases to give back (drained) before the check: remnants too small for the request. */
  give?: { id: string; amount: bigint }[];
  /** The versions of the limits `holds` were read under: refused ("stale") when the account's limits changed since. */
  versions: LimitVersions;
}

/** The versions of an account's limits (its own with its keys', and its tier's) as an instance read them. */
export interface LimitVersions {
  account: number;
  tier: number;
}

const big = (v: unknown) => BigInt(String(v ?? 0));

export async function reserveLimits(input: ReserveInput): Promise<ReserveOutcome> {
  const db = await getDb();
  const holds = input.holds.map((h) => ({
    scopeId: h.scopeId,
    metric: h.metric,
    windowStart: h.windowStart.toISOString(),
    ...(h.since ? { since: h.since.toISOString() } : {}),
    ...(h.until ? { until: h.until.toISOString() } : {}),
    amount: h.amount.toString(),
    limit: h.limit === null ? null : h.limit.toString(),
  }));
  const reservation = {
    id: input.reservationId,
    requestId: input.requestId,
    keyId: input.keyId,
    userId: input.userId,
    instanceId: input.instanceId,
    modelId: input.modelId,
    endpoint: input.endpoint,
    holds: { counters: holds.map(({ limit: _l, since: _s, until: _u, ...h }) => h), balanceNanos: input.balanceHold.toString() },
    prices: input.prices,
    progress: { promptTokens: input.promptTokens, completionTokens: 0 },
    batchId: input.batchId ?? null,
  };
  const [row] = rowsOf(
    await db.execute(sql`select llmaas_reserve(${input.accountId}::uuid, ${JSON.stringify(holds)}::jsonb, ${input.balanceHold.toString()}::bigint,
      ${input.enforceBalance}, ${input.activationNanos === null ? null : input.activationNanos.toString()}::bigint, ${JSON.stringify(reservation)}::jsonb,
      ${input.instanceId}::uuid, ${JSON.stringify((input.give ?? []).map((g) => ({ id: g.id, amount: g.amount.toString() })))}::jsonb,
      ${input.versions.account}::bigint, ${input.versions.tier}::bigint) as r`),
  );
  const r = (typeof row!.r === "string" ? JSON.parse(row!.r) : row!.r) as Record<string, unknown>;
  if (r.ok) {
    return {
      ok: true,
      counters: (r.counters as { used: string; reserved: string; oldest: string | null; own: unknown }[]).map((c) => ({
        used: big(c.used),
        reserved: big(c.reserved),
        oldest: c.oldest ? new Date(c.oldest) : null,
        own: ownOf(c.own),
      })),
      balance: { balanceNanos: big(r.balance), reservedNanos: big(r.reserved) },
      seq: big(r.seq),
    };
  }
  if (r.reason === "stale") return { ok: false, reason: "stale" };
  if (r.reason === "activation") return { ok: false, reason: "activation", purchasedNanos: big(r.purchased) };
  if (r.reason === "balance") return { ok: false, reason: "balance", balanceNanos: big(r.balance), reservedNanos: big(r.reserved), elsewhere: big(r.elsewhere) };
  return {
    ok: false,
    reason: "limit",
    hold: input.holds[Number(r.index)]!,
    state: { used: big(r.used), reserved: big(r.reserved), oldest: null },
    elsewhere: big(r.elsewhere),
  };
}

export interface SettleInput {
  reservationId: string;
  accountId: string;
  /** What each held counter really consumed, keyed by metric. */
  actual: Record<string, bigint>;
  costNanos: bigint;
  /** `at`: when the request started (its usage event's time), the debit's date; unset: now. */
  ledger: { keyId: string; modelId: string; usageEventId: string; at?: string; details: Record<string, unknown> };
  /** A transaction of the caller's to settle in. */
  db?: Db;
}

/**
 * Give back a reservation and book what the request really used: counters,
 * balance and a ledger debit in one transaction. False when the reservation
 * was already settled (by the sweeper), so nothing is booked twice.
 */
export async function settleReservation(input: SettleInput): Promise<boolean> {
  const db = input.db ?? (await getDb());
  const actual = Object.fromEntries(Object.entries(input.actual).map(([k, v]) => [k, v.toString()]));
  const [row] = rowsOf(
    await db.execute(sql`select llmaas_settle(${input.reservationId}::uuid, ${input.accountId}::uuid, ${JSON.stringify(actual)}::jsonb,
      ${input.costNanos.toString()}::bigint, ${JSON.stringify(input.ledger)}::jsonb) as ok`),
  );
  return row!.ok === true || row!.ok === "t";
}

export interface WindowKey {
  scopeId: string;
  metric: string;
  windowStart: Date;
  since?: Date | null;
  until?: Date | null;
}

/**
 * What each window counts right now, in the order asked (for headers and the console); with `instanceId`,
 * that instance's leases counted in each too (`own`), read in the same statement.
 */
export async function readWindows(keys: WindowKey[], instanceId?: string): Promise<CounterState[]> {
  if (keys.length === 0) return [];
  const db = await getDb();
  const values = sql.join(
    keys.map(
      (k, i) =>
        sql`(${i}::int, ${k.scopeId}::uuid, ${k.metric}, ${(k.since ?? k.windowStart).toISOString()}::timestamptz, ${(k.until ?? k.windowStart).toISOString()}::timestamptz)`,
    ),
    sql`, `,
  );
  const own = instanceId
    ? sql`, (select coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'granted', l.granted::text, 'draining', l.draining)), '[]'::jsonb) from limit_leases l
          where l.scope_id = v.scope_id and l.metric = v.metric and l.instance_id = ${instanceId}::uuid and l.window_start >= v.since and l.window_start <= v.until) as own`
    : sql``;
  const rows = rowsOf(
    await db.execute(sql`select v.i, coalesce(sum(c.used), 0)::text as used, coalesce(sum(c.reserved), 0)::text as reserved,
        min(c.window_start) filter (where c.used + c.reserved > 0) as oldest ${own}
      from (values ${values}) as v(i, scope_id, metric, since, until)
      left join limit_counters c on c.scope_id = v.scope_id and c.metric = v.metric and c.window_start >= v.since and c.window_start <= v.until
      group by v.i, v.scope_id, v.metric, v.since, v.until order by v.i`),
  );
  return rows.map((r) => ({
    used: big(r.used),
    reserved: big(r.reserved),
    oldest: r.oldest ? new Date(r.oldest as string | Date) : null,
    ...(instanceId ? { own: ownOf(r.own) } : {}),
  }));
}

/** The buckets of one sliding window, oldest first: when each stops counting decides when a refused request may retry. */
export async function readBuckets(k: WindowKey): Promise<{ start: Date; amount: bigint }[]> {
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`select window_start, (used + reserved)::text as amount from limit_counters
      where scope_id = ${k.scopeId}::uuid and metric = ${k.metric} and window_start >= ${(k.since ?? k.windowStart).toISOString()}::timestamptz
        and window_start <= ${(k.until ?? k.windowStart).toISOString()}::timestamptz and used + reserved > 0
      order by window_start`),
  );
  return rows.map((r) => ({ start: new Date(r.window_start as string | Date), amount: big(r.amount) }));
}

/**
 * Delete the buckets of sliding windows that no window counts any more:
 * those more than their metric's `keepMs` older than the newest bucket of the
 * same counter (relative to the counter's own newest bucket, not the clock),
 * with nothing reserved.
 */
export async function pruneBuckets(rules: { metric: string; keepMs: number }[]): Promise<number> {
  const db = await getDb();
  const keep = sql.join(
    rules.map((r) => sql`(${r.metric}, make_interval(secs => ${r.keepMs / 1000}))`),
    sql`, `,
  );
  // One instance prunes at a time; the others skip this round rather than wait or deadlock.
  return db.transaction(async (tx) => {
    const [lock] = rowsOf(await tx.execute(sql`select pg_try_advisory_xact_lock(727276) as ok`));
    if (lock?.ok !== true && lock?.ok !== "t") return 0;
    const result = await tx.execute(sql`delete from limit_counters c
      using (select l.scope_id, l.metric, max(l.window_start) - k.keep as cutoff
        from limit_counters l join (values ${keep}) as k(metric, keep) on k.metric = l.metric
        group by l.scope_id, l.metric, k.keep) n
      where c.scope_id = n.scope_id and c.metric = n.metric and c.reserved = 0 and c.window_start < n.cutoff`);
    return (result as unknown as { rowCount?: number; affectedRows?: number }).rowCount ?? (result as unknown as { affectedRows?: number }).affectedRows ?? 0;
  });
}

export async function readBalance({ accountId }: { accountId: string }) {
  const db = await getDb();
  const [r] = rowsOf(await db.execute(sql`select balance_nanos, reserved_nanos, purchased_nanos from account_balances where account_id = ${accountId}`));
  return {
    balanceNanos: big(r?.balance_nanos),
    reservedNanos: big(r?.reserved_nanos),
    purchasedNanos: big(r?.purchased_nanos),
  };
}

/** Write the progress of open streams in one statement. */
export async function checkpointReservations(rows: { id: string; promptTokens: number; completionTokens: number }[]) {
  if (rows.length === 0) return;
  const db = await getDb();
  await db.execute(sql`update reservations r set progress = jsonb_build_object('promptTokens', v.p, 'completionTokens', v.c)
    from (values ${sql.join(rows.map((x) => sql`(${x.id}::uuid, ${x.promptTokens}::int, ${x.completionTokens}::int)`), sql`, `)}) as v(id, p, c)
    where r.id = v.id`);
}

/** `limitsSeen`: the last version of the 'limits' topic the instance has applied (see ackLimits). */
export async function heartbeatInstance({ id, hostname, at, limitsSeen = 0 }: { id: string; hostname: string; at: Date; limitsSeen?: number }) {
  const db = await getDb();
  await db.execute(sql`insert into gateway_instances (id, hostname, started_at, heartbeat_at, limits_seen)
    values (${id}, ${hostname}, ${at.toISOString()}, ${at.toISOString()}, ${limitsSeen})
    on conflict (id) do update set heartbeat_at = excluded.heartbeat_at, limits_seen = greatest(gateway_instances.limits_seen, excluded.limits_seen)`);
}

/** Say that this instance has applied every change to limits up to `version` of the 'limits' topic. */
export async function ackLimits({ id, version }: { id: string; version: number }) {
  const db = await getDb();
  await db.execute(sql`update gateway_instances set limits_seen = greatest(limits_seen, ${version}) where id = ${id}::uuid`);
}

/**
 * How many instances that beat within `liveMs` have not applied `version` of
 * the 'limits' topic yet (what a change to limits waits for).
 */
export async function countInstancesBehind({ version, liveMs }: { version: number; liveMs: number }): Promise<number> {
  const db = await getDb();
  const [row] = rowsOf(
    await db.execute(sql`select count(*)::int as n from gateway_instances
      where limits_seen < ${version} and heartbeat_at > now() - make_interval(secs => ${liveMs / 1000})`),
  );
  return Number(row?.n ?? 0);
}

/** The versions of these accounts' limits now ("account:tier"), for an instance to find which of its leases were taken under older ones. */
export async function readLimitVersions({ accountIds }: { accountIds: string[] }): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`select a.id, a.limits_version::text as a, t.limits_version::text as t from accounts a join tiers t on t.id = a.tier_id
      where a.id in (${sql.join(accountIds.map((id) => sql`${id}::uuid`), sql`, `)})`),
  );
  return new Map(rows.map((r) => [String(r.id), `${r.a}:${r.t}`]));
}

export async function removeInstance({ id }: { id: string }) {
  const db = await getDb();
  await db.execute(sql`delete from gateway_instances where id = ${id}`);
}

/** Reservations whose instance stopped beating before `staleBefore` (or is unknown). */
export async function listOrphanReservations({ staleBefore }: { staleBefore: Date }) {
  const db = await getDb();
  return rowsOf(
    await db.execute(sql`select r.id, r.request_id, r.account_id, r.key_id, r.user_id, r.model_id, r.endpoint, r.prices, r.progress, r.holds, r.batch_id, r.created_at
      from reservations r left join gateway_instances i on i.id = r.instance_id
      where i.id is null or i.heartbeat_at < ${staleBefore.toISOString()}::timestamptz
      order by r.created_at limit 500`),
  ).map((r) => ({
    id: String(r.id),
    requestId: String(r.request_id),
    accountId: String(r.account_id),
    keyId: String(r.key_id),
    userId: r.user_id ? String(r.user_id) : null,
    modelId: String(r.model_id),
    endpoint: String(r.endpoint),
    prices: r.prices as Record<string, string>,
    holds: r.holds as { leased?: LeasedHolds },
    progress: r.progress as { promptTokens: number; completionTokens: number },
    batchId: r.batch_id ? String(r.batch_id) : null,
    createdAt: new Date(r.created_at as string),
  }));
}

/**
 * What a request admitted against leases drew, by limit (metric "balance":
 * the prepaid balance). Amounts are decimal strings, so that it survives the
 * journal as it is.
 */
export interface LeasedHold {
  /** Null for a limit only counted (no limit set): nothing was drawn, the usage is added. */
  leaseId: string | null;
  scopeId: string;
  metric: string;
  windowStart: string;
  /** What the request drew from the lease (its worst case). */
  drawn: string;
}

export interface LeasedHolds {
  /** Its usage event's id and time: a settlement is written once, with its event. */
  usageEventId: string;
  eventAt: string;
  holds: LeasedHold[];
}

/** A leased hold as settled: what it used, and what comes off its lease in the database. */
export interface SettledLeasedHold {
  leaseId: string | null;
  scopeId: string;
  metric: string;
  windowStart: string;
  used: bigint;
  back: bigint;
}

/** One request's settlement, written later with others (see settleBatch). */
export interface DeferredSettlement {
  reservationId: string;
  accountId: string;
  actual: Record<string, bigint>;
  costNanos: bigint;
  ledger: SettleInput["ledger"];
  /** Set when the request was admitted against leases (no reservations row, unless a checkpoint). */
  leased?: { usageEventId: string; eventAt: string; holds: SettledLeasedHold[] };
}

const LEDGER_ROW = Symbol("ledger row");

/**
 * A leased request's ledger debit as one row of llmaas_settle_leased_sums' JSON, serialized once: the journal
 * line of the request carries this text and its batch's settlement reuses it. Null for a request that cost nothing.
 */
export function ledgerRowJson(item: DeferredSettlement): string | null {
  if (item.costNanos === 0n) return null;
  const memo = item as DeferredSettlement & { [LEDGER_ROW]?: string };
  const l = item.ledger;
  let json = memo[LEDGER_ROW];
  if (json === undefined) {
    json = JSON.stringify({ a: item.accountId, c: item.costNanos.toString(), e: l.usageEventId, k: l.keyId, m: l.modelId, d: l.details, ...(l.at ? { t: l.at } : {}) });
    // Not enumerable: a copy of the settlement (spread, then changed) does not take it along.
    Object.defineProperty(memo, LEDGER_ROW, { value: json });
  }
  return json;
}

/** What ledgerRowJson wrote, read back (a journal line on replay): the account, the cost and the ledger debit. */
export function ledgerFromRow(r: LedgerRow): { accountId: string; costNanos: bigint; ledger: DeferredSettlement["ledger"] } {
  return { accountId: r.a, costNanos: BigInt(r.c), ledger: { keyId: r.k, modelId: r.m, usageEventId: r.e, ...(r.t ? { at: r.t } : {}), details: r.d } };
}

export interface LedgerRow {
  a: string;
  c: string;
  e: string;
  k: string;
  m: string;
  d: Record<string, unknown>;
  t?: string;
}

/**
 * Settle many reservations in the caller's transaction, in a statement for
 * those reserved in the database and two for those admitted against leases,
 * each row they touch updated once (see 0020_settle_in_sets.sql and
 * 0022_settle_leased_sums.sql): the accounts' balance rows are locked first,
 * in one order, so batches of several instances never deadlock. For each, in
 * order: true when this call settled it, false when it was settled already (a
 * batch replayed from the journal after it committed, or the sweeper after the
 * instance was lost).
 */
export async function settleBatch(db: Db, items: DeferredSettlement[]): Promise<boolean[]> {
  if (items.length === 0) return [];
  const out = new Array<boolean>(items.length).fill(false);
  const exact: { i: number; r: string; a: string; actual: Record<string, string>; cost: string; ledger: DeferredSettlement["ledger"] }[] = [];
  const leased: number[] = [];
  items.forEach((item, n) => {
    if (item.leased) leased.push(n);
    else
      exact.push({
        i: n,
        r: item.reservationId,
        a: item.accountId,
        actual: Object.fromEntries(Object.entries(item.actual).map(([k, v]) => [k, v.toString()])),
        cost: item.costNanos.toString(),
        ledger: item.ledger,
      });
  });
  if (exact.length > 0) {
    // Both kinds in one batch: every account locked at once first, so that two batches never take them in different orders.
    if (leased.length > 0) {
      const accounts = [...new Set(items.map((i) => i.accountId))].sort();
      await db.execute(sql`select 1 from account_balances where account_id = any(${`{${accounts.join(",")}}`}::uuid[]) order by account_id for update`);
    }
    // Reserved one by one in the database: settled together too, each counter and balance updated once (llmaas_settle_set).
    const result = rowsOf(await db.execute(sql`select i from llmaas_settle_set(${JSON.stringify(exact)}::jsonb) as i`));
    for (const r of result) out[Number(r.i)] = true;
  }
  if (leased.length > 0) await settleLeasedItems(db, items, leased, out);
  return out;
}

/**
 * Requests admitted against leases: their accounts locked and those already settled found (their usage event is
 * written), then what the others add up to written in one call: per lease what goes back to it, per counter what was
 * used, per account the cost, and each request's ledger debit (llmaas_settle_leased_sums).
 */
async function settleLeasedItems(db: Db, items: DeferredSettlement[], which: number[], out: boolean[]): Promise<void> {
  const accounts = new Set<string>();
  const events: string[] = [];
  const ats: string[] = [];
  for (const n of which) {
    const item = items[n]!;
    accounts.add(item.accountId);
    events.push(item.leased!.usageEventId);
    ats.push(item.leased!.eventAt);
  }
  const known = new Set(
    rowsOf(
      await db.execute(
        sql`select i from llmaas_settle_leased_known(${`{${[...accounts].sort().join(",")}}`}::uuid[], ${`{${events.join(",")}}`}::uuid[], ${`{${ats.join(",")}}`}::timestamptz[]) as i`,
      ),
    ).map((r) => Number(r.i)),
  );
  const seen = new Set<string>();
  const reservations: string[] = [];
  const gives = new Map<string, { a: string; l: string; b: bigint }>();
  // Per lease (its id says its counter) or, for a hold counted without one, per counter; summed per counter below.
  const used = new Map<string, { s: string; m: string; w: string; u: bigint }>();
  const costs = new Map<string, bigint>();
  const ledger: string[] = [];
  which.forEach((n, j) => {
    const item = items[n]!;
    const leasedPart = item.leased!;
    // Settled already, or the same request twice in this batch (a journal line written twice): not again.
    if (known.has(j) || seen.has(leasedPart.usageEventId)) return;
    seen.add(leasedPart.usageEventId);
    out[n] = true;
    reservations.push(item.reservationId);
    for (const h of leasedPart.holds) {
      if (h.leaseId !== null) {
        // A lease is one account's: its id is the key.
        const g = gives.get(h.leaseId);
        if (g) g.b += h.back;
        else gives.set(h.leaseId, { a: item.accountId, l: h.leaseId, b: h.back });
      }
      if (h.metric !== "balance") {
        const key = h.leaseId ?? `${h.scopeId}|${h.metric}|${h.windowStart}`;
        const c = used.get(key);
        if (c) c.u += h.used;
        else used.set(key, { s: h.scopeId, m: h.metric, w: h.windowStart, u: h.used });
      }
    }
    const row = ledgerRowJson(item);
    if (row !== null) {
      costs.set(item.accountId, (costs.get(item.accountId) ?? 0n) + item.costNanos);
      ledger.push(row);
    }
  });
  if (seen.size === 0) return;
  // One row per counter: several leases (of this instance over time) can be on the same one.
  const counters = new Map<string, { s: string; m: string; w: string; u: bigint }>();
  for (const u of used.values()) {
    const key = `${u.s}|${u.m}|${u.w}`;
    const c = counters.get(key);
    if (c) c.u += u.u;
    else counters.set(key, { ...u });
  }
  const json = <T>(rows: Iterable<T>, map: (row: T) => Record<string, unknown>) => JSON.stringify(Array.from(rows, map));
  await db.execute(sql`select llmaas_settle_leased_sums(${`{${reservations.join(",")}}`}::uuid[],
    ${json(gives.values(), (g) => ({ ...g, b: g.b.toString() }))}::jsonb,
    ${json([...counters.values()].filter((c) => c.u !== 0n), (c) => ({ ...c, u: c.u.toString() }))}::jsonb,
    ${json(costs, ([a, c]) => ({ a, c: c.toString() }))}::jsonb,
    ${`[${ledger.join(",")}]`}::jsonb)`);
}

/** Settle one request admitted against leases now, in `db` or on its own (see settleBatch). */
export async function settleLeased(input: DeferredSettlement & { db?: Db }): Promise<boolean> {
  const db = input.db ?? (await getDb());
  const [ok] = await settleBatch(db, [input]);
  return ok!;
}

export type LeaseOp =
  | {
      op: "grant";
      id: string;
      /** Create the lease; else top it up. */
      new: boolean;
      scopeId: string;
      metric: string;
      windowStart: Date;
      since?: Date | null;
      until?: Date | null;
      limit: bigint | null;
      /** 0: only read the window. */
      want: bigint;
      /** Grant nothing below this. */
      min: bigint;
      /** Never more than what is left divided by this. */
      share: number;
    }
  | { op: "give"; id: string; amount: bigint; drain: boolean };

/**
 * A grant's `seq`: its snapshot's place among those of the account's lease and reservation calls (0 when
 * refused as stale); `own`: the instance's leases counted in the window then (its own grant applied).
 */
export type LeaseResult =
  | { granted: bigint; left: bigint; used: bigint; reserved: bigint; oldest: Date | null; gone: boolean; stale: boolean; seq: bigint; own: OwnLease[] }
  | { given: bigint };

/** Grant, top up and give back an account's leases held by `instanceId`, in one transaction (llmaas_lease). */
export async function leaseLimits(input: { accountId: string; instanceId: string; activationNanos: bigint | null; ops: LeaseOp[]; versions: LimitVersions }): Promise<LeaseResult[]> {
  const db = await getDb();
  const ops = input.ops.map((o) =>
    o.op === "give"
      ? { op: "give", id: o.id, amount: o.amount.toString(), drain: o.drain }
      : {
          op: "grant",
          id: o.id,
          new: o.new,
          scopeId: o.scopeId,
          metric: o.metric,
          windowStart: o.windowStart.toISOString(),
          ...(o.since ? { since: o.since.toISOString() } : {}),
          ...(o.until ? { until: o.until.toISOString() } : {}),
          limit: o.limit === null ? null : o.limit.toString(),
          want: o.want.toString(),
          min: o.min.toString(),
          share: o.share,
        },
  );
  const [row] = rowsOf(
    await db.execute(sql`select llmaas_lease(${input.accountId}::uuid, ${input.instanceId}::uuid,
      ${input.activationNanos === null ? null : input.activationNanos.toString()}::bigint, ${JSON.stringify(ops)}::jsonb,
      ${input.versions.account}::bigint, ${input.versions.tier}::bigint) as r`),
  );
  const out = (typeof row!.r === "string" ? JSON.parse(row!.r) : row!.r) as Record<string, unknown>[];
  return out.map((r) =>
    "given" in r
      ? { given: big(r.given) }
      : {
          granted: big(r.granted),
          left: big(r.left),
          used: big(r.used),
          reserved: big(r.reserved),
          oldest: r.oldest ? new Date(r.oldest as string) : null,
          gone: r.gone === true,
          stale: r.stale === true,
          seq: big(r.seq),
          own: ownOf(r.own),
        },
  );
}

/** A stream admitted against leases that outlives a heartbeat: its checkpoint row. */
export interface LeasedCheckpoint {
  id: string;
  requestId: string;
  accountId: string;
  keyId: string;
  userId: string | null;
  instanceId: string;
  modelId: string;
  endpoint: string;
  createdAt: Date;
  prices: Record<string, string>;
  leased: LeasedHolds;
  promptTokens: number;
  completionTokens: number;
}

/** Write (or update) the checkpoints of streams admitted against leases (llmaas_checkpoint_leased). */
export async function checkpointLeased(rows: LeasedCheckpoint[]) {
  if (rows.length === 0) return;
  const db = await getDb();
  const json = rows.map((r) => ({
    id: r.id,
    requestId: r.requestId,
    accountId: r.accountId,
    keyId: r.keyId,
    userId: r.userId,
    instanceId: r.instanceId,
    modelId: r.modelId,
    endpoint: r.endpoint,
    createdAt: r.createdAt.toISOString(),
    prices: r.prices,
    holds: { counters: [], balanceNanos: "0", usageEventId: r.leased.usageEventId, leased: r.leased },
    progress: { promptTokens: r.promptTokens, completionTokens: r.completionTokens },
  }));
  await db.execute(sql`select llmaas_checkpoint_leased(${JSON.stringify(json)}::jsonb)`);
}

/** Take back the leases of instances that stopped beating before `staleBefore` (or left); how many. */
export async function reclaimLeases({ staleBefore }: { staleBefore: Date }): Promise<number> {
  const db = await getDb();
  const [row] = rowsOf(await db.execute(sql`select llmaas_reclaim_leases(${staleBefore.toISOString()}::timestamptz) as n`));
  return Number(row?.n ?? 0);
}

/** What each live lease holds, for the console and tests. */
export async function readLeases({ accountId }: { accountId: string }) {
  const db = await getDb();
  return rowsOf(
    await db.execute(sql`select id, instance_id, scope_id, metric, window_start, amount::text as amount, draining from limit_leases
      where account_id = ${accountId}::uuid order by metric, window_start`),
  ).map((r) => ({
    id: String(r.id),
    instanceId: String(r.instance_id),
    scopeId: String(r.scope_id),
    metric: String(r.metric),
    windowStart: new Date(r.window_start as string),
    amount: big(r.amount),
    draining: r.draining === true || r.draining === "t",
  }));
}

/** A key's own limits, as the limiter reads them (not from the key cache: with its account's, in one version). */
export interface KeyLimits {
  monthlyBudgetNanos: bigint | null;
  outputTokensPerHour: number | null;
  outputTokensPerDay: number | null;
}

/**
 * An account, its tier and the own limits of these keys of it, in one
 * statement, so that they are one version of the account's limits (a change
 * to a key's limits raises its account's version). Undefined for an unknown
 * account; a key not of the account is missing from `keys`.
 */
export async function findLimitConfig({ accountId, keyIds }: { accountId: string; keyIds: string[] }): Promise<{ account: Account; tier: Tier; keys: Map<string, KeyLimits> } | undefined> {
  const db = await getDb();
  const ids = keyIds.length > 0 ? sql.join(keyIds.map((id) => sql`${id}::uuid`), sql`, `) : sql`null::uuid`;
  const [row] = await db
    .select({
      account: accounts,
      tier: tiers,
      keys: sql<unknown>`coalesce((select json_agg(json_build_object('id', k.id, 'budget', k.monthly_budget_nanos::text, 'hour', k.output_tokens_per_hour::text,
        'day', k.output_tokens_per_day::text)) from api_keys k where k.account_id = ${accounts.id} and k.id in (${ids})), '[]'::json)`,
    })
    .from(accounts)
    .innerJoin(tiers, eq(tiers.id, accounts.tierId))
    .where(eq(accounts.id, accountId));
  if (!row) return undefined;
  const list = (typeof row.keys === "string" ? JSON.parse(row.keys) : row.keys) as { id: string; budget: string | null; hour: string | null; day: string | null }[];
  const keys = new Map<string, KeyLimits>(
    list.map((k) => [
      k.id,
      {
        monthlyBudgetNanos: k.budget === null ? null : BigInt(k.budget),
        outputTokensPerHour: k.hour === null ? null : Number(k.hour),
        outputTokensPerDay: k.day === null ? null : Number(k.day),
      },
    ]),
  );
  return { account: row.account, tier: row.tier, keys };
}
