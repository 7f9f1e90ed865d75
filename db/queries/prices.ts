import { asc } from "drizzle-orm";
import { getDb } from "../client";
import { prices } from "../schema";

export async function listPrices() {
  const db = await getDb();
  return db.select().from(prices).orderBy(asc(prices.effectiveFrom), asc(prices.id));
}

export async function insertPrice(values: typeof prices.$inferInsert) {
  const db = await getDb();
  const [row] = await db.insert(prices).values(values).returning();
  return row!;
}
