import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { usageEvents, usageRollups } from "../schema";

export type NewUsageEvent = typeof usageEvents.$inferInsert;

/** Daily totals of a batch of events, per account, key and model. */
function rollup(events: NewUsageEvent[], dayOf: (d: Date) => string) {
  const totals = new Map<string, typeof usageRollups.$inferInsert>();
  for (const e of events) {
    if (!e.accountId || !e.keyId) continue;
    const day = dayOf(e.createdAt ?? new Date());
    const modelId = e.modelId ?? "";
    const k = `${day}|${e.accountId}|${e.keyId}|${modelId}`;
    let t = totals.get(k);
    if (!t) {
      t = { day, accountId: e.accountId, keyId: e.keyId, modelId, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0, searchUnits: 0, audioSeconds: 0, characters: 0, images: 0, costNanos: 0n };
      totals.set(k, t);
    }
    const u = e.units ?? {};
    t.requests! += 1;
    t.errors! += e.status >= 400 ? 1 : 0;
    t.promptTokens! += e.promptTokens ?? 0;
    t.completionTokens! += e.completionTokens ?? 0;
    t.reasoningTokens! += e.reasoningTokens ?? 0;
    t.searchUnits! += Math.round(u.search_units ?? 0);
    t.audioSeconds! += Math.ceil(u.audio_seconds ?? 0);
    t.characters! += Math.round(u.characters ?? 0);
    t.images! += Math.round(u.images ?? 0);
    t.costNanos = (t.costNanos as bigint) + (e.costNanos ?? 0n);
  }
  return [...totals.values()];
}

/** Store usage events and add them to the daily rollups, in one transaction. */
export async function insertUsageEvents({ events, dayOf = (d: Date) => d.toISOString().slice(0, 10) }: { events: NewUsageEvent[]; dayOf?: (d: Date) => string }) {
  if (events.length === 0) return;
  const db = await getDb();
  const totals = rollup(events, dayOf);
  await db.transaction(async (tx) => {
    await tx.insert(usageEvents).values(events);
    if (totals.length === 0) return;
    const sum = (column: string) => sql.raw(`usage_rollups.${column} + excluded.${column}`);
    await tx
      .insert(usageRollups)
      .values(totals)
      .onConflictDoUpdate({
        target: [usageRollups.day, usageRollups.accountId, usageRollups.keyId, usageRollups.modelId],
        set: {
          requests: sum("requests"),
          errors: sum("errors"),
          promptTokens: sum("prompt_tokens"),
          completionTokens: sum("completion_tokens"),
          reasoningTokens: sum("reasoning_tokens"),
          searchUnits: sum("search_units"),
          audioSeconds: sum("audio_seconds"),
          characters: sum("characters"),
          images: sum("images"),
          costNanos: sum("cost_nanos"),
        },
      });
  });
}

export async function listUsageForAccount({ accountId, limit = 100 }: { accountId: string; limit?: number }) {
  const db = await getDb();
  return db
    .select()
    .from(usageEvents)
    .where(and(eq(usageEvents.accountId, accountId)))
    .orderBy(desc(usageEvents.createdAt))
    .limit(limit);
}

export async function findUsageByRequestId({ requestId }: { requestId: string }) {
  const db = await getDb();
  return db.select().from(usageEvents).where(eq(usageEvents.requestId, requestId));
}
