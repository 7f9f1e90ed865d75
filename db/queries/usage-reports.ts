import { type SQL, sql } from "drizzle-orm";
import { getDb } from "../client";
import { LATENCY_BUCKETS_MS } from "../schema";
import { type Row, rowsOf } from "./rows";

const num = (v: unknown) => Number(v ?? 0);
const big = (v: unknown) => BigInt(String(v ?? 0));

/** What a usage report looks at: one account, a time range [from, to), and optional filters. */
export interface UsageScope {
  accountId: string;
  from: Date;
  to: Date;
  modelId?: string;
  keyId?: string;
  /** The owner of the keys (a member sees only their own). */
  userId?: string;
  /**
   * Whole local days (first and last, inclusive) that [from, to) spans: read
   * the daily rollups (built in the zone of these days, see ensureDaily)
   * instead of the hourly ones.
   */
  days?: { first: string; last: string };
}

/** The rollup table a scope reads. */
const table = (s: UsageScope) => (s.days ? sql.raw("usage_daily") : sql.raw("usage_hourly"));

export interface UsageFigures {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  costNanos: bigint;
}

/** Rollup rows of the scope; the owner filter goes through the keys' owners. */
function where(s: UsageScope): SQL {
  const parts: SQL[] = [sql`h.account_id = ${s.accountId}::uuid`];
  if (s.days) parts.push(sql`h.day >= ${s.days.first}::date`, sql`h.day <= ${s.days.last}::date`);
  else parts.push(sql`h.hour >= ${s.from.toISOString()}::timestamptz`, sql`h.hour < ${s.to.toISOString()}::timestamptz`);
  if (s.modelId !== undefined) parts.push(sql`h.model_id = ${s.modelId}`);
  if (s.keyId) parts.push(sql`h.key_id = ${s.keyId}::uuid`);
  if (s.userId) parts.push(sql`h.key_id in (select id from api_keys where account_id = ${s.accountId}::uuid and user_id = ${s.userId}::uuid)`);
  return sql.join(parts, sql` and `);
}

const FIGURES = sql`sum(h.requests) as requests, sum(h.errors) as errors, sum(h.prompt_tokens) as prompt_tokens,
  sum(h.completion_tokens) as completion_tokens, sum(h.reasoning_tokens) as reasoning_tokens, sum(h.cost_nanos) as cost_nanos`;

const figures = (r: Row): UsageFigures => ({
  requests: num(r.requests),
  errors: num(r.errors),
  promptTokens: num(r.prompt_tokens),
  completionTokens: num(r.completion_tokens),
  reasoningTokens: num(r.reasoning_tokens),
  costNanos: big(r.cost_nanos),
});

/**
 * Figures per hour, or per local day of `tz`. Only buckets with usage are
 * returned; the caller fills the gaps.
 */
export async function usageSeries({ scope, tz, resolution }: { scope: UsageScope; tz: string; resolution: "hour" | "day" }) {
  const db = await getDb();
  const bucket = scope.days
    ? sql`(h.day::timestamp at time zone ${tz})`
    : resolution === "hour"
      ? sql`h.hour`
      : sql`(date_trunc('day', h.hour at time zone ${tz}) at time zone ${tz})`;
  const rows = rowsOf(await db.execute(sql`select ${bucket} as bucket, ${FIGURES} from ${table(scope)} h where ${where(scope)} group by 1 order by 1`));
  return rows.map((r) => ({ bucket: new Date(r.bucket as string), ...figures(r) }));
}

/** Figures per model, per key or per key owner, largest spend first. */
export async function usageBreakdown({ scope, by }: { scope: UsageScope; by: "model" | "key" | "user" }) {
  const db = await getDb();
  const query =
    by === "model"
      ? sql`select h.model_id as id, h.model_id as label, ${FIGURES} from ${table(scope)} h where ${where(scope)} group by 1, 2`
      : by === "key"
        ? sql`select h.key_id::text as id, k.name || ' (' || k.prefix || '…)' as label, ${FIGURES}
            from ${table(scope)} h join api_keys k on k.id = h.key_id where ${where(scope)} group by 1, 2`
        : sql`select u.id::text as id, case when u.name = '' then u.email else u.name || ' <' || u.email || '>' end as label, ${FIGURES}
            from ${table(scope)} h join api_keys k on k.id = h.key_id join users u on u.id = k.user_id where ${where(scope)} group by 1, 2`;
  const rows = rowsOf(await db.execute(sql`${query} order by cost_nanos desc, requests desc`));
  return rows.map((r) => ({ id: String(r.id), label: String(r.label || "(unknown model)"), ...figures(r) }));
}

/** Latency and time-to-first-token histograms per model (bucket bounds: LATENCY_BUCKETS_MS). */
export async function latencyHistograms({ scope }: { scope: UsageScope }) {
  const db = await getDb();
  // One plain sum per bucket: several times cheaper than unnesting the arrays.
  const n = LATENCY_BUCKETS_MS.length + 1;
  const sums = (column: string, as: string) => Array.from({ length: n }, (_, i) => `coalesce(sum(h.${column}[${i + 1}]), 0) as ${as}${i}`).join(", ");
  const rows = rowsOf(
    await db.execute(sql`select h.model_id, ${sql.raw(sums("latency_hist", "l"))}, ${sql.raw(sums("ttft_hist", "t"))}
      from ${table(scope)} h where ${where(scope)} group by 1`),
  );
  return rows
    .map((r) => {
      const latency = Array.from({ length: n }, (_, i) => num(r[`l${i}`]));
      const ttft = Array.from({ length: n }, (_, i) => num(r[`t${i}`]));
      return { modelId: String(r.model_id), requests: latency.reduce((a, b) => a + b, 0), latency, ttft };
    })
    .sort((a, b) => b.requests - a.requests);
}

/** Spend of each of these keys since `since` (this month, in the lists). */
export async function spendByKeySince({ accountId, keyIds, since }: { accountId: string; keyIds: string[]; since: Date }) {
  const out = new Map<string, bigint>();
  if (keyIds.length === 0) return out;
  const db = await getDb();
  const ids = sql.join(
    keyIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = rowsOf(
    await db.execute(sql`select key_id::text as id, sum(cost_nanos) as cost from usage_hourly
      where account_id = ${accountId}::uuid and hour >= ${since.toISOString()}::timestamptz and key_id in (${ids}) group by 1`),
  );
  for (const r of rows) out.set(String(r.id), big(r.cost));
  return out;
}

/** Models, keys and key owners with usage in the account, for the filters' choices (its daily rollups must be built: ensureDaily). */
export async function usageFilterChoices({ accountId, userId }: { accountId: string; userId?: string }) {
  const db = await getDb();
  const own = userId ? sql`and k.user_id = ${userId}::uuid` : sql``;
  const [models, keys, users] = await Promise.all([
    // From the daily rollups (the caller has them built): a day's rows stand for its 24 hours.
    db.execute(sql`select distinct h.model_id as id from usage_daily h join api_keys k on k.id = h.key_id
      where h.account_id = ${accountId}::uuid ${own} and h.model_id <> '' order by 1 limit 500`),
    db.execute(sql`select k.id::text as id, k.name, k.prefix, k.kind from api_keys k where k.account_id = ${accountId}::uuid ${own} order by k.created_at desc limit 500`),
    db.execute(sql`select u.id::text as id, u.email, u.name from users u where u.account_id = ${accountId}::uuid ${userId ? sql`and u.id = ${userId}::uuid` : sql``} order by u.email limit 500`),
  ]);
  return {
    models: rowsOf(models).map((r) => String(r.id)),
    keys: rowsOf(keys).map((r) => ({ id: String(r.id), label: `${r.name} (${r.prefix}…)${r.kind === "console" ? " · console" : ""}` })),
    users: rowsOf(users).map((r) => ({ id: String(r.id), label: r.name ? `${r.name} <${r.email}>` : String(r.email) })),
  };
}
