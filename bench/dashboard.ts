/*
 * The usage dashboard's cost on a large account: 10 million usage events of
 * one account over 90 days (20 keys, 6 models), rolled up by hour and by day
 * as the gateway does, then the dashboard's whole report for 30 and 90 days, timed
 * on a real Postgres server. Target: under 300 ms each.
 */
import { sql } from "drizzle-orm";
import { closeDatabase, getDb, setDatabase } from "@/db/client";
import { LATENCY_BUCKETS_MS } from "@/db/schema";
import type { Caller } from "@/lib/console/authz";
import { usageReport } from "@/lib/console/usage";
import { openScratchPg } from "@/tests/support/databases";
import { createTenant } from "@/tests/support/gateway";
import { createKey } from "@/lib/keys/manage";
import { rebuildDaily } from "@/db/queries/usage-daily";

const EVENTS = Number(process.env.BENCH_USAGE_EVENTS ?? 10_000_000);
const DAYS = 90;

export async function benchDashboard() {
  const db = await openScratchPg({ max: 4 });
  setDatabase(db);
  try {
    const tenant = await createTenant();
    const keyIds = [tenant.key.id];
    for (let i = 1; i < 20; i++) keyIds.push((await createKey({ userId: tenant.user.id, name: `k${i}` })).key.id);
    const d = await getDb();
    const now = new Date();
    const start = new Date(now.getTime() - DAYS * 86_400_000);
    const keys = sql.raw(`array[${keyIds.map((k) => `'${k}'::uuid`).join(",")}]`);
    let t = performance.now();
    // In slices, so each statement stays a few seconds long.
    const slice = 1_000_000;
    for (let from = 0; from < EVENTS; from += slice) {
      const n = Math.min(slice, EVENTS - from);
      await d.execute(sql`insert into usage_events (request_id, account_id, key_id, user_id, endpoint, model_id, status, prompt_tokens, completion_tokens,
          reasoning_tokens, cost_nanos, latency_ms, ttft_ms, created_at)
        select 'bench-' || g, ${tenant.account.id}::uuid, (${keys})[1 + g % 20], ${tenant.user.id}::uuid, 'chat.completions',
          'model-' || (g % 6), case when g % 50 = 0 then 500 else 200 end, 100 + g % 400, 20 + g % 200, case when g % 6 = 0 then g % 50 else 0 end,
          (100 + g % 400) * 1800 + (20 + g % 200) * 8000, 80 + (g * 7919) % 4000, 20 + (g * 104729) % 900,
          ${start.toISOString()}::timestamptz + ((g::double precision / ${EVENTS}::double precision) * ${DAYS}::int * interval '1 day')
        from generate_series(${from}::bigint, ${from + n - 1}::bigint) g`);
    }
    const seedEvents = performance.now() - t;
    t = performance.now();
    const buckets = LATENCY_BUCKETS_MS.length + 1;
    // One count per bucket as plain aggregates: far faster on millions of rows than an array function per row.
    const hist = (column: string) =>
      sql.raw(`array[${Array.from({ length: buckets }, (_, i) => `count(*) filter (where width_bucket(${column}, ARRAY[${LATENCY_BUCKETS_MS.join(",")}]) = ${i})`).join(", ")}]::bigint[]`);
    await d.execute(sql`insert into usage_hourly (hour, account_id, key_id, model_id, batch, requests, errors, prompt_tokens, completion_tokens,
        reasoning_tokens, cost_nanos, latency_hist, ttft_hist)
      select date_trunc('hour', created_at), account_id, key_id, model_id, false, count(*), count(*) filter (where status >= 400), sum(prompt_tokens),
        sum(completion_tokens), sum(reasoning_tokens), sum(cost_nanos),
        ${hist("latency_ms")}, ${hist("ttft_ms")}
      from usage_events where account_id = ${tenant.account.id}::uuid group by 1, 2, 3, 4`);
    await d.execute(sql`analyze usage_hourly`);
    const rollup = performance.now() - t;
    const rows = ((await d.execute(sql`select count(*)::int as n from usage_hourly`)) as unknown as { rows: { n: number }[] }).rows[0]!.n;
    // The daily rollups of the account (kept as usage is recorded; built once here, as after a change of time zone).
    t = performance.now();
    await rebuildDaily({ accountId: tenant.account.id, zone: "UTC" });
    await d.execute(sql`analyze usage_daily`);
    const daily = performance.now() - t;

    const caller: Caller = { userId: tenant.user.id, accountId: tenant.account.id, role: "admin", superadmin: false };
    const time = async (query: Record<string, string>) => {
      await usageReport(caller, query);
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await usageReport(caller, query);
        runs.push(performance.now() - t0);
      }
      runs.sort((a, b) => a - b);
      return runs[2]!;
    };
    const from90 = new Date(now.getTime() - 89 * 86_400_000).toISOString().slice(0, 10);
    const today = now.toISOString().slice(0, 10);
    console.log(`\nUsage dashboard: ${EVENTS.toLocaleString("en")} events of one account over ${DAYS} days, ${rows.toLocaleString("en")} hourly rollup rows`);
    console.table([
      { report: "last 30 days (daily)", "median ms (5 runs)": Math.round(await time({ range: "30d" })) },
      { report: "last 90 days (daily)", "median ms (5 runs)": Math.round(await time({ range: "custom", from: from90, to: today })) },
      { report: "last 7 days (hourly)", "median ms (5 runs)": Math.round(await time({ range: "7d" })) },
      { report: "30 days, one key", "median ms (5 runs)": Math.round(await time({ range: "30d", key: keyIds[3]! })) },
    ]);
    // Where the time goes, for 30 days: hourly rollups (what a report of up to 7 days reads) and daily ones.
    const { usageSeries, usageBreakdown, latencyHistograms } = await import("@/db/queries/usage-reports");
    const scope = { accountId: tenant.account.id, from: new Date(now.getTime() - 30 * 86_400_000), to: now };
    const days = { first: scope.from.toISOString().slice(0, 10), last: today };
    const part = async (fn: () => Promise<unknown>) => {
      await fn();
      const t0 = performance.now();
      await fn();
      return Math.round(performance.now() - t0);
    };
    console.table([
      { query: "series by day", ms: await part(() => usageSeries({ scope, tz: "UTC", resolution: "day" })) },
      { query: "breakdown by model", ms: await part(() => usageBreakdown({ scope, by: "model" })) },
      { query: "breakdown by user", ms: await part(() => usageBreakdown({ scope, by: "user" })) },
      { query: "latency histograms", ms: await part(() => latencyHistograms({ scope })) },
      { query: "series by day (daily rollups)", ms: await part(() => usageSeries({ scope: { ...scope, days }, tz: "UTC", resolution: "day" })) },
      { query: "breakdown by user (daily rollups)", ms: await part(() => usageBreakdown({ scope: { ...scope, days }, by: "user" })) },
      { query: "latency histograms (daily rollups)", ms: await part(() => latencyHistograms({ scope: { ...scope, days } })) },
    ]);
    console.log(
      `seeding: events ${Math.round(seedEvents / 1000)} s, hourly rollup ${Math.round(rollup / 1000)} s, daily rollup ${(daily / 1000).toFixed(1)} s (the gateway keeps rollups as it records; these are one-off backfills, the daily one also what a change of time zone costs)\n`,
    );
  } finally {
    await closeDatabase();
  }
}
