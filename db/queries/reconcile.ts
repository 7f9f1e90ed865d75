import { sql } from "drizzle-orm";
import { getDb } from "../client";

export interface LedgerUsageRow {
  usageEventId: string;
  accountId: string;
  keyId: string | null;
  userId: string | null;
  modelId: string | null;
  amountNanos: bigint;
  details: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Usage debits in the ledger whose usage event was never written (its
 * instance died with the event still queued), older than `before` and at
 * most a week old. Spans every account: the sweeper's repair, not a tenant view.
 */
export async function listLedgerUsageWithoutEventForPlatform({ before, limit = 500 }: { before: Date; limit?: number }): Promise<LedgerUsageRow[]> {
  const db = await getDb();
  const result = await db.execute(sql`
    select l.usage_event_id, l.account_id, l.key_id, k.user_id, l.model_id, l.amount_nanos::text as amount_nanos, l.details, l.created_at
    from ledger_entries l
    left join api_keys k on k.id = l.key_id
    where l.kind = 'usage'
      and l.usage_event_id is not null
      and l.created_at < ${before.toISOString()}::timestamptz
      and l.created_at > ${before.toISOString()}::timestamptz - interval '7 days'
      and not exists (select 1 from usage_events u where u.id = l.usage_event_id)
    order by l.created_at
    limit ${limit}`);
  const rows = (result as unknown as { rows: Record<string, unknown>[] }).rows;
  return rows.map((r) => ({
    usageEventId: String(r.usage_event_id),
    accountId: String(r.account_id),
    keyId: (r.key_id as string | null) ?? null,
    userId: (r.user_id as string | null) ?? null,
    modelId: (r.model_id as string | null) ?? null,
    amountNanos: BigInt(String(r.amount_nanos)),
    details: (typeof r.details === "string" ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
    createdAt: new Date(r.created_at as string),
  }));
}
