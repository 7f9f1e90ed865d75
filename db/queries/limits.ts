import { sql } from "drizzle-orm";
import { getDb } from "../client";

/*
 * Reservations and settlements, each one round trip to a database function
 * (drizzle/0003_limit_functions.sql). Every change to an account's limits
 * first locks the account's balance row, so checks and updates of its
 * counters (and its keys' counters) never interleave, on one instance or many.
 */

export interface Hold {
  scopeId: string;
  metric: string;
  windowStart: Date;
  amount: bigint;
  /** Null: counted, not limited. */
  limit: bigint | null;
}

export interface CounterState {
  used: bigint;
  reserved: bigint;
}

export type ReserveOutcome =
  | { ok: true; counters: CounterState[]; balance: { balanceNanos: bigint; reservedNanos: bigint } }
  | { ok: false; reason: "activation"; purchasedNanos: bigint }
  | { ok: false; reason: "limit"; hold: Hold; state: CounterState }
  | { ok: false; reason: "balance"; balanceNanos: bigint; reservedNanos: bigint };

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
}

type Row = Record<string, unknown>;
const rowsOf = (r: unknown) => (r as { rows: Row[] }).rows;
const big = (v: unknown) => BigInt(String(v ?? 0));

export function countersValues(holds: { scopeId: string; metric: string; windowStart: Date }[]) {
  return sql.join(
    holds.map((h) => sql`(${h.scopeId}::uuid, ${h.metric}, ${h.windowStart.toISOString()}::timestamptz)`),
    sql`, `,
  );
}

export async function reserveLimits(input: ReserveInput): Promise<ReserveOutcome> {
  const db = await getDb();
  const holds = input.holds.map((h) => ({
    scopeId: h.scopeId,
    metric: h.metric,
    windowStart: h.windowStart.toISOString(),
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
    holds: { counters: holds.map(({ limit: _l, ...h }) => h), balanceNanos: input.balanceHold.toString() },
    prices: input.prices,
    progress: { promptTokens: input.promptTokens, completionTokens: 0 },
  };
  const [row] = rowsOf(
    await db.execute(sql`select llmaas_reserve(${input.accountId}::uuid, ${JSON.stringify(holds)}::jsonb, ${input.balanceHold.toString()}::bigint,
      ${input.enforceBalance}, ${input.activationNanos === null ? null : input.activationNanos.toString()}::bigint, ${JSON.stringify(reservation)}::jsonb) as r`),
  );
  const r = (typeof row!.r === "string" ? JSON.parse(row!.r) : row!.r) as Record<string, unknown>;
  if (r.ok) {
    return {
      ok: true,
      counters: (r.counters as { used: string; reserved: string }[]).map((c) => ({ used: big(c.used), reserved: big(c.reserved) })),
      balance: { balanceNanos: big(r.balance), reservedNanos: big(r.reserved) },
    };
  }
  if (r.reason === "activation") return { ok: false, reason: "activation", purchasedNanos: big(r.purchased) };
  if (r.reason === "balance") return { ok: false, reason: "balance", balanceNanos: big(r.balance), reservedNanos: big(r.reserved) };
  return { ok: false, reason: "limit", hold: input.holds[Number(r.index)]!, state: { used: big(r.used), reserved: big(r.reserved) } };
}

export interface SettleInput {
  reservationId: string;
  accountId: string;
  /** What each held counter really consumed, keyed by metric. */
  actual: Record<string, bigint>;
  costNanos: bigint;
  ledger: { keyId: string; modelId: string; usageEventId: string; details: Record<string, unknown> };
}

/**
 * Give back a reservation and book what the request really used: counters,
 * balance and a ledger debit in one transaction. False when the reservation
 * was already settled (by the sweeper), so nothing is booked twice.
 */
export async function settleReservation(input: SettleInput): Promise<boolean> {
  const db = await getDb();
  const actual = Object.fromEntries(Object.entries(input.actual).map(([k, v]) => [k, v.toString()]));
  const [row] = rowsOf(
    await db.execute(sql`select llmaas_settle(${input.reservationId}::uuid, ${input.accountId}::uuid, ${JSON.stringify(actual)}::jsonb,
      ${input.costNanos.toString()}::bigint, ${JSON.stringify(input.ledger)}::jsonb) as ok`),
  );
  return row!.ok === true || row!.ok === "t";
}

/** Current counters of some windows (for headers of requests that reserve nothing). */
export async function readCounters(keys: { scopeId: string; metric: string; windowStart: Date }[]): Promise<(CounterState & { scopeId: string; metric: string })[]> {
  if (keys.length === 0) return [];
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`select c.scope_id, c.metric, c.used, c.reserved from limit_counters c
      join (values ${countersValues(keys)}) as v(scope_id, metric, window_start)
      on c.scope_id = v.scope_id and c.metric = v.metric and c.window_start = v.window_start`),
  );
  return rows.map((r) => ({ scopeId: String(r.scope_id), metric: String(r.metric), used: big(r.used), reserved: big(r.reserved) }));
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

export async function heartbeatInstance({ id, hostname, at }: { id: string; hostname: string; at: Date }) {
  const db = await getDb();
  await db.execute(sql`insert into gateway_instances (id, hostname, started_at, heartbeat_at) values (${id}, ${hostname}, ${at.toISOString()}, ${at.toISOString()})
    on conflict (id) do update set heartbeat_at = excluded.heartbeat_at`);
}

export async function removeInstance({ id }: { id: string }) {
  const db = await getDb();
  await db.execute(sql`delete from gateway_instances where id = ${id}`);
}

/** Reservations whose instance stopped beating before `staleBefore` (or is unknown). */
export async function listOrphanReservations({ staleBefore }: { staleBefore: Date }) {
  const db = await getDb();
  return rowsOf(
    await db.execute(sql`select r.id, r.request_id, r.account_id, r.key_id, r.user_id, r.model_id, r.endpoint, r.prices, r.progress, r.holds, r.created_at
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
    progress: r.progress as { promptTokens: number; completionTokens: number },
    createdAt: new Date(r.created_at as string),
  }));
}
