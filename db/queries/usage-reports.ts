import { type SQL, sql } from "drizzle-orm";
import { getDb } from "../client";

type Row = Record<string, unknown>;
const rowsOf = (r: unknown) => (r as { rows: Row[] }).rows;
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
}

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
  const parts: SQL[] = [
    sql`h.account_id = ${s.accountId}::uuid`,
    sql`h.hour >= ${s.from.toISOString()}::timestamptz`,
    sql`h.hour < ${s.to.toISOString()}::timestamptz`,
  ];
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
  const bucket = resolution === "hour" ? sql`h.hour` : sql`(date_trunc('day', h.hour at time zone ${tz}) at time zone ${tz})`;
  const rows = rowsOf(await db.execute(sql`select ${bucket} as bucket, ${FIGURES} from usage_hourly h where ${where(scope)} group by 1 order by 1`));
  return rows.map((r) => ({ bucket: new Date(r.bucket as string), ...figures(r) }));
}

/** Figures per model, per key or per key owner, largest spend first. */
export async function usageBreakdown({ scope, by }: { scope: UsageScope; by: "model" | "key" | "user" }) {
  const db = await getDb();
  const query =
    by === "model"
      ? sql`select h.model_id as id, h.model_id as label, ${FIGURES} from usage_hourly h where ${where(scope)} group by 1, 2`
      : by === "key"
        ? sql`select h.key_id::text as id, k.name || ' (' || k.prefix || '…)' as label, ${FIGURES}
            from usage_hourly h join api_keys k on k.id = h.key_id where ${where(scope)} group by 1, 2`
        : sql`select u.id::text as id, case when u.name = '' then u.email else u.name || ' <' || u.email || '>' end as label, ${FIGURES}
            from usage_hourly h join api_keys k on k.id = h.key_id join users u on u.id = k.user_id where ${where(scope)} group by 1, 2`;
  const rows = rowsOf(await db.execute(sql`${query} order by cost_nanos desc, requests desc`));
  return rows.map((r) => ({ id: String(r.id), label: String(r.label || "(unknown model)"), ...figures(r) }));
}

/** Latency and time-to-first-token histograms per model (bucket bounds: LATENCY_BUCKETS_MS). */
export async function latencyHistograms({ scope }: { scope: UsageScope }) {
  const db = await getDb();
  // Set-based (unnest, then one sum per model and bucket): far cheaper than a per-row array function.
  const rows = rowsOf(
    await db.execute(sql`select h.model_id, u.i, sum(u.lat) as lat, sum(u.ttft) as ttft
      from usage_hourly h cross join lateral unnest(h.latency_hist, h.ttft_hist) with ordinality as u(lat, ttft, i)
      where ${where(scope)} group by 1, 2`),
  );
  const byModel = new Map<string, { modelId: string; requests: number; latency: number[]; ttft: number[] }>();
  for (const r of rows) {
    const id = String(r.model_id);
    let m = byModel.get(id);
    if (!m) byModel.set(id, (m = { modelId: id, requests: 0, latency: [], ttft: [] }));
    const i = num(r.i) - 1;
    m.latency[i] = num(r.lat);
    m.ttft[i] = num(r.ttft);
    m.requests += num(r.lat);
  }
  const fill = (a: number[]) => Array.from({ length: Math.max(a.length, 0) }, (_, i) => a[i] ?? 0);
  return [...byModel.values()].map((m) => ({ ...m, latency: fill(m.latency), ttft: fill(m.ttft) })).sort((a, b) => b.requests - a.requests);
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

/** Models, keys and key owners with usage in the account, for the filters' choices. */
export async function usageFilterChoices({ accountId, userId }: { accountId: string; userId?: string }) {
  const db = await getDb();
  const own = userId ? sql`and k.user_id = ${userId}::uuid` : sql``;
  const [models, keys, users] = await Promise.all([
    db.execute(sql`select distinct h.model_id as id from usage_hourly h join api_keys k on k.id = h.key_id
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
