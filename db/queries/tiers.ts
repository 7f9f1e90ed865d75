import { asc, eq } from "drizzle-orm";
import { getDb } from "../client";
import { tiers } from "../schema";

export async function listTiers() {
  const db = await getDb();
  return db.select().from(tiers).orderBy(asc(tiers.id));
}

export async function findTierByName({ name }: { name: string }) {
  const db = await getDb();
  const [tier] = await db.select().from(tiers).where(eq(tiers.name, name));
  return tier;
}

export async function insertTier(values: typeof tiers.$inferInsert) {
  const db = await getDb();
  const [tier] = await db.insert(tiers).values(values).returning();
  return tier!;
}

export async function updateTier({ id, values }: { id: number; values: Partial<typeof tiers.$inferInsert> }) {
  const db = await getDb();
  const [tier] = await db.update(tiers).set(values).where(eq(tiers.id, id)).returning();
  return tier!;
}
