import { and, eq, gte, lt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { ledgerEntries } from "../schema";

/**
 * Append a credit or adjustment and move the running balance with it, in one
 * transaction (under the balance row's lock, like reservations).
 */
export async function insertLedgerEntry(values: typeof ledgerEntries.$inferInsert) {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const amount = values.amountNanos.toString();
    const purchased = values.kind === "credit" ? amount : "0";
    await tx.execute(sql`insert into account_balances (account_id, balance_nanos, purchased_nanos)
      values (${values.accountId}, ${amount}::bigint, ${purchased}::bigint)
      on conflict (account_id) do update set balance_nanos = account_balances.balance_nanos + excluded.balance_nanos,
        purchased_nanos = account_balances.purchased_nanos + excluded.purchased_nanos, updated_at = now()`);
    const [row] = await tx.insert(ledgerEntries).values(values).returning();
    return row!;
  });
}

/** Ledger entries of an account between two instants, oldest first: a statement. */
export async function listLedgerBetween({ accountId, from, to }: { accountId: string; from: Date; to: Date }) {
  const db = await getDb();
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.accountId, accountId), gte(ledgerEntries.createdAt, from), lt(ledgerEntries.createdAt, to)))
    .orderBy(ledgerEntries.createdAt, ledgerEntries.id);
}

/** Sum of all entries of an account: its prepaid balance. */
export async function sumLedgerForAccount({ accountId }: { accountId: string }): Promise<bigint> {
  const db = await getDb();
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${ledgerEntries.amountNanos}), 0)::text` })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.accountId, accountId));
  return BigInt(row?.total ?? "0");
}

export async function listLedgerForAccount({ accountId, limit = 100 }: { accountId: string; limit?: number }) {
  const db = await getDb();
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.accountId, accountId)))
    .orderBy(sql`${ledgerEntries.createdAt} desc, ${ledgerEntries.id} desc`)
    .limit(limit);
}
