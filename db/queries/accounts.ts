import { asc, eq } from "drizzle-orm";
import { getDb } from "../client";
import { accounts, tiers } from "../schema";

export async function insertAccount({ name, tierId }: { name: string; tierId: number }) {
  const db = await getDb();
  const [account] = await db.insert(accounts).values({ name, tierId }).returning();
  return account!;
}

export async function findAccountByName({ name }: { name: string }) {
  const db = await getDb();
  const [account] = await db.select().from(accounts).where(eq(accounts.name, name));
  return account;
}

export async function findAccountById({ id }: { id: string }) {
  const db = await getDb();
  const [row] = await db
    .select({ account: accounts, tier: tiers })
    .from(accounts)
    .innerJoin(tiers, eq(tiers.id, accounts.tierId))
    .where(eq(accounts.id, id));
  return row;
}

export async function listAccounts() {
  const db = await getDb();
  return db
    .select({ id: accounts.id, name: accounts.name, tier: tiers.name, createdAt: accounts.createdAt })
    .from(accounts)
    .innerJoin(tiers, eq(tiers.id, accounts.tierId))
    .orderBy(asc(accounts.name));
}

export async function setAccountTier({ accountId, tierId }: { accountId: string; tierId: number }) {
  const db = await getDb();
  await db.update(accounts).set({ tierId }).where(eq(accounts.id, accountId));
}

export async function setAccountBudget({ accountId, monthlyBudgetNanos }: { accountId: string; monthlyBudgetNanos: bigint | null }) {
  const db = await getDb();
  await db.update(accounts).set({ monthlyBudgetNanos }).where(eq(accounts.id, accountId));
}
