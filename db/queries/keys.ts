import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { getDb } from "../client";
import { apiKeys, users } from "../schema";

export async function insertApiKey(values: typeof apiKeys.$inferInsert) {
  const db = await getDb();
  const [key] = await db.insert(apiKeys).values(values).returning();
  return key!;
}

const listColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  kind: apiKeys.kind,
  prefix: apiKeys.prefix,
  accountId: apiKeys.accountId,
  userId: apiKeys.userId,
  email: users.email,
  allowedModels: apiKeys.allowedModels,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
};

/** Keys of one account, optionally of one user in it. */
export async function listKeysForAccount({ accountId, userId }: { accountId: string; userId?: string }) {
  const db = await getDb();
  return db
    .select(listColumns)
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.accountId, accountId), userId ? eq(apiKeys.userId, userId) : undefined))
    .orderBy(desc(apiKeys.createdAt));
}

/** Every key on the platform (superadmin and CLI), optionally of one user. */
export async function listAllKeys({ userId }: { userId?: string } = {}) {
  const db = await getDb();
  return db
    .select(listColumns)
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(userId ? eq(apiKeys.userId, userId) : undefined)
    .orderBy(desc(apiKeys.createdAt));
}

/** Revoke a key; with accountId, only if it belongs to that account. Returns the key's hash when revoked. */
export async function revokeApiKey({ id, accountId }: { id: string; accountId?: string }) {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), accountId ? eq(apiKeys.accountId, accountId) : undefined))
    .returning({ id: apiKeys.id, hash: apiKeys.hash });
  return row;
}

export async function findApiKeyById({ id }: { id: string }) {
  const db = await getDb();
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row;
}

export async function findApiKeyByHash({ hash }: { hash: string }) {
  const db = await getDb();
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash));
  return row;
}

/** Keys whose state changed since `since`: what other instances must drop from their caches. */
export async function listKeysRevokedSince({ since }: { since: Date }) {
  const db = await getDb();
  return db
    .select({ hash: apiKeys.hash })
    .from(apiKeys)
    .where(sql`${apiKeys.revokedAt} >= ${since.toISOString()}::timestamptz`);
}

export async function touchApiKeys({ ids }: { ids: string[] }) {
  if (ids.length === 0) return;
  const db = await getDb();
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(inArray(apiKeys.id, ids));
}

/** Change a key's own limits; with accountId, only a key of that account. */
export async function updateApiKeyLimits({
  id,
  accountId,
  values,
}: {
  id: string;
  accountId?: string;
  values: Partial<Pick<typeof apiKeys.$inferInsert, "allowedModels" | "monthlyBudgetNanos" | "outputTokensPerHour" | "outputTokensPerDay" | "expiresAt" | "name">>;
}) {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set(values)
    .where(and(eq(apiKeys.id, id), accountId ? eq(apiKeys.accountId, accountId) : undefined))
    .returning({ id: apiKeys.id, hash: apiKeys.hash });
  return row;
}

/** The newest usable console key of a user: what the console's pages call the gateway with. */
export async function findConsoleKeyForUser({ userId }: { userId: string }) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.userId, userId),
        eq(apiKeys.kind, "console"),
        isNull(apiKeys.revokedAt),
        sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > now())`,
      ),
    )
    .orderBy(desc(apiKeys.createdAt))
    .limit(1);
  return row;
}
