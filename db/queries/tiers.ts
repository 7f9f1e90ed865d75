import { asc, count, eq } from "drizzle-orm";
import { getDb } from "../client";
import { accounts, tiers } from "../schema";

export async function listTiers() {
  const db = await getDb();
  return db.select().from(tiers).orderBy(asc(tiers.id));
}

export async function findTierByName({ name }: { name: string }) {
  const db = await getDb();
  const [tier] = await db.select().from(tiers).where(eq(tiers.name, name));
  return tier;
}

export async function findTierById({ id }: { id: number }) {
  const db = await getDb();
  const [tier] = await db.select().from(tiers).where(eq(tiers.id, id));
  return tier;
}

/** Accounts per tier id. */
export async function countAccountsByTier() {
  const db = await getDb();
  const rows = await db.select({ tierId: accounts.tierId, n: count() }).from(accounts).groupBy(accounts.tierId);
  return new Map(rows.map((r) => [r.tierId, Number(r.n)]));
}

export async function insertTier(values: typeof tiers.$inferInsert) {
  const db = await getDb();
  const [tier] = await db.insert(tiers).values(values).returning();
  return tier!;
}

export async function updateTier({ id, values }: { id: number; values: Partial<typeof tiers.$inferInsert> }) {
  const db = await getDb();
  // Nothing to change still answers the row as it is.
  if (Object.keys(values).length === 0) return (await findTierById({ id }))!;
  const [tier] = await db.update(tiers).set(values).where(eq(tiers.id, id)).returning();
  return tier!;
}
