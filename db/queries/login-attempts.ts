import { sql } from "drizzle-orm";
import { getDb } from "../client";

/** Failed sign-ins live in the limit counters, so every instance sees the same count. */
const METRIC = "login_failures";

export async function countLoginFailures({ scopeId, windowStart }: { scopeId: string; windowStart: Date }): Promise<number> {
  const db = await getDb();
  const { rows } = (await db.execute(
    sql`select used from limit_counters where scope_id = ${scopeId} and metric = ${METRIC} and window_start = ${windowStart.toISOString()}::timestamptz`,
  )) as unknown as { rows: { used: string }[] };
  return Number(rows[0]?.used ?? 0);
}

export async function addLoginFailure({ scopeId, windowStart }: { scopeId: string; windowStart: Date }) {
  const db = await getDb();
  await db.execute(sql`insert into limit_counters (scope_id, metric, window_start, used) values (${scopeId}, ${METRIC}, ${windowStart.toISOString()}::timestamptz, 1)
    on conflict (scope_id, metric, window_start) do update set used = limit_counters.used + 1`);
}

/** Forget failed sign-ins older than `before`: no throttling window reaches back that far. */
export async function pruneLoginFailures({ before }: { before: Date }): Promise<void> {
  const db = await getDb();
  await db.execute(sql`delete from limit_counters where metric = ${METRIC} and window_start < ${before.toISOString()}::timestamptz`);
}
