import { sql } from "drizzle-orm";
import { type Db, getDb } from "../client";
import { LATENCY_BUCKETS_MS, type usageHourly } from "../schema";
import { rowsOf } from "./rows";


/** Advisory lock class of an account's daily rollups: writers hold it shared, a rebuild exclusively. */
const LOCK_CLASS = 727277;

const FIGURES = ["requests", "errors", "prompt_tokens", "completion_tokens", "reasoning_tokens", "search_units", "audio_seconds", "characters", "images", "cost_nanos"] as const;

/** The element-wise sum of a histogram column (plain aggregates: far cheaper than an array function per row). */
const histSum = (column: string) =>
  sql.raw(`array[${Array.from({ length: LATENCY_BUCKETS_MS.length + 1 }, (_, i) => `coalesce(sum(${column}[${i + 1}]), 0)`).join(", ")}]::bigint[]`);

type HourTotals = typeof usageHourly.$inferInsert & { latencyHist: number[]; ttftHist: number[] };

const ROLLUP_COLUMNS = `t(hour timestamptz, account_id uuid, key_id uuid, model_id text, batch boolean,
  requests bigint, errors bigint, prompt_tokens bigint, completion_tokens bigint, reasoning_tokens bigint, search_units bigint,
  audio_seconds bigint, characters bigint, images bigint, cost_nanos bigint, latency_hist bigint[], ttft_hist bigint[])`;

const addTo = (table: string) =>
  [...FIGURES.map((c) => `${c} = ${table}.${c} + excluded.${c}`), `latency_hist = llmaas_hist_add(${table}.latency_hist, excluded.latency_hist)`, `ttft_hist = llmaas_hist_add(${table}.ttft_hist, excluded.ttft_hist)`].join(", ");
const ADD_TO_HOURLY = sql.raw(addTo("usage_hourly"));
const ADD_TO_DAILY = sql.raw(addTo("usage_daily"));
const COLUMNS = sql.raw(FIGURES.join(", "));
const FIGURES_OF_T = sql.raw(FIGURES.map((c) => `t.${c}`).join(", "));
const SUMS_OF_T = sql.raw(FIGURES.map((c) => `sum(t.${c})`).join(", "));

/**
 * Add hourly totals (of events being stored in `tx`) to the hourly rollups and to the daily ones of the accounts
 * whose days are built, each cut in its recorded zone: one statement each, from one JSON of the totals. Holds the
 * accounts' locks shared until `tx` ends, so a rebuild of their days never misses them.
 */
export async function addToRollups(tx: Db, totals: HourTotals[]) {
  if (totals.length === 0) return;
  const rows = JSON.stringify(
    totals.map((t) => ({
      hour: (t.hour as Date).toISOString(),
      account_id: t.accountId,
      key_id: t.keyId,
      model_id: t.modelId,
      batch: t.batch ?? false,
      requests: t.requests ?? 0,
      errors: t.errors ?? 0,
      prompt_tokens: t.promptTokens ?? 0,
      completion_tokens: t.completionTokens ?? 0,
      reasoning_tokens: t.reasoningTokens ?? 0,
      search_units: t.searchUnits ?? 0,
      audio_seconds: t.audioSeconds ?? 0,
      characters: t.characters ?? 0,
      images: t.images ?? 0,
      cost_nanos: String(t.costNanos ?? 0n),
      latency_hist: t.latencyHist,
      ttft_hist: t.ttftHist,
    })),
  );
  await tx.execute(sql`insert into usage_hourly (hour, account_id, key_id, model_id, batch, ${COLUMNS}, latency_hist, ttft_hist)
    select t.hour, t.account_id, t.key_id, t.model_id, t.batch, ${FIGURES_OF_T}, t.latency_hist, t.ttft_hist
    from jsonb_to_recordset(${rows}::jsonb) as ${sql.raw(ROLLUP_COLUMNS)}
    on conflict (account_id, hour, key_id, model_id, batch) do update set ${ADD_TO_HOURLY}`);
  const accounts = [...new Set(totals.map((t) => t.accountId))].sort();
  const ids = sql.raw(`array[${accounts.map((a) => `'${a.replace(/[^0-9a-f-]/gi, "")}'`).join(",")}]::uuid[]`);
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${LOCK_CLASS}, hashtext(a::text)) from unnest(${ids}) as a order by a`);
  await tx.execute(sql`insert into usage_daily (day, account_id, key_id, model_id, batch, ${COLUMNS}, latency_hist, ttft_hist)
    select (t.hour at time zone z.zone)::date, t.account_id, t.key_id, t.model_id, t.batch, ${SUMS_OF_T}, ${histSum("t.latency_hist")}, ${histSum("t.ttft_hist")}
    from jsonb_to_recordset(${rows}::jsonb) as ${sql.raw(ROLLUP_COLUMNS)}
    join usage_daily_zones z on z.account_id = t.account_id
    group by 1, 2, 3, 4, 5
    on conflict (account_id, day, key_id, model_id, batch) do update set ${ADD_TO_DAILY}`);
}

/** Cut an account's daily rollups again from its hourly ones, in `zone`. */
export async function rebuildDaily({ accountId, zone }: { accountId: string; zone: string }) {
  const db = await getDb();
  await db.transaction(async (tx) => {
    // Waits for writers of this account's usage in flight; later ones wait for this to commit.
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${accountId}::uuid::text))`);
    await tx.execute(sql`delete from usage_daily where account_id = ${accountId}::uuid`);
    const cols = sql.raw(FIGURES.join(", "));
    const sums = sql.raw(FIGURES.map((c) => `sum(h.${c})`).join(", "));
    await tx.execute(sql`insert into usage_daily (day, account_id, key_id, model_id, batch, ${cols}, latency_hist, ttft_hist)
      select (h.hour at time zone ${zone})::date, h.account_id, h.key_id, h.model_id, h.batch, ${sums}, ${histSum("h.latency_hist")}, ${histSum("h.ttft_hist")}
      from usage_hourly h where h.account_id = ${accountId}::uuid group by 1, 2, 3, 4, 5`);
    await tx.execute(sql`insert into usage_daily_zones (account_id, zone, built_at) values (${accountId}::uuid, ${zone}, now())
      on conflict (account_id) do update set zone = excluded.zone, built_at = excluded.built_at`);
  });
}

/** Make sure the account's daily rollups exist and are cut in `zone` (rebuilt when not). */
export async function ensureDaily({ accountId, zone }: { accountId: string; zone: string }) {
  const db = await getDb();
  const [row] = rowsOf(await db.execute(sql`select zone from usage_daily_zones where account_id = ${accountId}::uuid`));
  if (row?.zone === zone) return;
  await rebuildDaily({ accountId, zone });
}
