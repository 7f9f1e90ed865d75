import { type SQL, and, asc, count, desc, eq, ilike, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { getDb } from "../client";
import { accountBalances, accounts, tiers, users } from "../schema";
import { keysetAfter } from "./keyset";

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

/** Every account with its tier, by name: for the CLI and small pickers. */
export async function listAccounts() {
  const db = await getDb();
  return db
    .select({ id: accounts.id, name: accounts.name, tier: tiers.name, suspendedAt: accounts.suspendedAt, createdAt: accounts.createdAt })
    .from(accounts)
    .innerJoin(tiers, eq(tiers.id, accounts.tierId))
    .orderBy(asc(accounts.name));
}

export type AccountSortKey = "name" | "created";

/**
 * Accounts of the platform a page at a time, for its administrators:
 * filtered by a part of the name, a tier and a state, in name or creation
 * order (keyset: each order walks an index, see the schema), each with its
 * tier, member count and prepaid balance.
 */
export async function listAccountsForPlatform({
  search,
  tierId,
  status,
  sort,
  after,
  limit,
}: {
  search?: string;
  tierId?: number;
  status?: "active" | "suspended";
  sort: { key: AccountSortKey; desc: boolean };
  /** The sort values of the previous page's last row: [name] or [createdAtExact, id]. */
  after?: string[];
  limit: number;
}) {
  const db = await getDb();
  const order: SQL[] = sort.key === "name" ? [sql`${accounts.name}`] : [sql`${accounts.createdAt}`, sql`${accounts.id}`];
  const cursor =
    after && sort.key === "name"
      ? keysetAfter(order, [sql`${after[0]}::text`], sort.desc)
      : after
        ? keysetAfter(order, [sql`${after[0]}::timestamptz`, sql`${after[1]}::uuid`], sort.desc)
        : undefined;
  const rows = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      tierId: accounts.tierId,
      tier: tiers.name,
      suspendedAt: accounts.suspendedAt,
      createdAt: accounts.createdAt,
      /** Exact to the microsecond, as the cursor needs it (a Date keeps milliseconds only). */
      createdAtExact: sql<string>`${accounts.createdAt}::text`,
      balanceNanos: sql<string>`coalesce(${accountBalances.balanceNanos}, 0)::text`,
    })
    .from(accounts)
    .innerJoin(tiers, eq(tiers.id, accounts.tierId))
    .leftJoin(accountBalances, eq(accountBalances.accountId, accounts.id))
    .where(
      and(
        search ? ilike(accounts.name, `%${search.replace(/[%_\\]/g, "\\$&")}%`) : undefined,
        tierId !== undefined ? eq(accounts.tierId, tierId) : undefined,
        status === "suspended" ? isNotNull(accounts.suspendedAt) : status === "active" ? isNull(accounts.suspendedAt) : undefined,
        cursor,
      ),
    )
    .orderBy(...order.map((o) => (sort.desc ? desc(o) : asc(o))))
    .limit(limit);
  const members = await countUsersOfAccounts({ accountIds: rows.map((r) => r.id) });
  return rows.map((r) => ({ ...r, balanceNanos: BigInt(r.balanceNanos), members: members.get(r.id) ?? 0 }));
}

/** How many users each of these accounts has. */
export async function countUsersOfAccounts({ accountIds }: { accountIds: string[] }): Promise<Map<string, number>> {
  if (accountIds.length === 0) return new Map();
  const db = await getDb();
  const rows = await db.select({ accountId: users.accountId, n: count() }).from(users).where(inArray(users.accountId, accountIds)).groupBy(users.accountId);
  return new Map(rows.map((r) => [r.accountId, Number(r.n)]));
}

export async function setAccountTier({ accountId, tierId }: { accountId: string; tierId: number }) {
  const db = await getDb();
  await db.update(accounts).set({ tierId }).where(eq(accounts.id, accountId));
}

export async function setAccountBudget({ accountId, monthlyBudgetNanos }: { accountId: string; monthlyBudgetNanos: bigint | null }) {
  const db = await getDb();
  await db.update(accounts).set({ monthlyBudgetNanos }).where(eq(accounts.id, accountId));
}

export async function setAccountName({ accountId, name }: { accountId: string; name: string }) {
  const db = await getDb();
  await db.update(accounts).set({ name }).where(eq(accounts.id, accountId));
}

/**
 * Suspend or unsuspend an account. Its changed_at moves either way, so every
 * instance drops what it remembers of the account's keys. Returns the
 * account's state before, or undefined for an unknown account.
 */
export async function setAccountSuspended({ accountId, suspended }: { accountId: string; suspended: boolean }) {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ suspendedAt: accounts.suspendedAt }).from(accounts).where(eq(accounts.id, accountId)).for("update");
    if (!before) return undefined;
    const [after] = await tx
      .update(accounts)
      .set({ suspendedAt: suspended ? sql`coalesce(${accounts.suspendedAt}, now())` : null, changedAt: sql`now()` })
      .where(eq(accounts.id, accountId))
      .returning({ suspendedAt: accounts.suspendedAt });
    return { before: before.suspendedAt, after: after!.suspendedAt };
  });
}

/** Whether an account is suspended now; undefined for an unknown account. */
export async function findAccountSuspension({ accountId }: { accountId: string }) {
  const db = await getDb();
  const [row] = await db.select({ suspendedAt: accounts.suspendedAt }).from(accounts).where(eq(accounts.id, accountId));
  return row;
}
