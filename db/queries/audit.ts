import { type SQL, and, desc, eq, getTableColumns, ilike, or, sql } from "drizzle-orm";
import { getDb } from "../client";
import { accounts, auditLog } from "../schema";

export async function insertAuditEntry(values: typeof auditLog.$inferInsert) {
  const db = await getDb();
  await db.insert(auditLog).values(values);
}

export interface AuditQuery {
  /** Only this account's entries; null: every account (platform administrators). */
  accountId: string | null;
  action?: string;
  actor?: string;
  /** The last entry of the previous page: its time exact to the microsecond, and its id. */
  before?: { at: string; id: number };
  limit?: number;
}

/** Audit entries, newest first, a page at a time (keyset on time and id). */
export async function listAuditEntries({ accountId, action, actor, before, limit = 50 }: AuditQuery) {
  const db = await getDb();
  const where: (SQL | undefined)[] = [
    accountId === null ? undefined : eq(auditLog.accountId, accountId),
    action ? or(eq(auditLog.action, action), ilike(auditLog.action, `${action.replace(/[%_\\]/g, "\\$&")}.%`)) : undefined,
    actor ? ilike(auditLog.actor, `%${actor.replace(/[%_\\]/g, "\\$&")}%`) : undefined,
    before ? sql`(${auditLog.at}, ${auditLog.id}) < (${before.at}::timestamptz, ${before.id})` : undefined,
  ];
  return db
    .select({ ...getTableColumns(auditLog), atExact: sql<string>`${auditLog.at}::text`, accountName: accounts.name })
    .from(auditLog)
    .leftJoin(accounts, eq(accounts.id, auditLog.accountId))
    .where(and(...where))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}
