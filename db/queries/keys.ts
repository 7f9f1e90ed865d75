import { type SQL, and, desc, eq, getTableColumns, gte, ilike, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "../client";
import { accounts, apiKeys, users } from "../schema";

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
  ownerName: users.name,
  allowedModels: apiKeys.allowedModels,
  monthlyBudgetNanos: apiKeys.monthlyBudgetNanos,
  outputTokensPerHour: apiKeys.outputTokensPerHour,
  outputTokensPerDay: apiKeys.outputTokensPerDay,
  createdAt: apiKeys.createdAt,
  /** Exact to the microsecond, as a page's cursor needs it (a Date keeps milliseconds only). */
  createdAtExact: sql<string>`${apiKeys.createdAt}::text`,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  previousPrefix: apiKeys.previousPrefix,
  previousExpiresAt: apiKeys.previousExpiresAt,
  rotatedAt: apiKeys.rotatedAt,
};
export type KeyRow = Awaited<ReturnType<typeof listKeysForAccount>>[number];

/** Where a key stands now, as lists filter it. "expiring" keys are active keys that end within 7 days. */
export type KeyStatus = "active" | "rotating" | "expiring" | "expired" | "revoked";

function statusFilter(status: KeyStatus): SQL {
  const live = and(isNull(apiKeys.revokedAt), sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > now())`)!;
  switch (status) {
    case "revoked":
      return sql`${apiKeys.revokedAt} is not null`;
    case "expired":
      return and(isNull(apiKeys.revokedAt), sql`${apiKeys.expiresAt} <= now()`)!;
    case "rotating":
      return and(live, sql`${apiKeys.previousExpiresAt} > now()`)!;
    case "expiring":
      return and(live, sql`${apiKeys.expiresAt} <= now() + interval '7 days'`)!;
    case "active":
      return live;
  }
}

/**
 * API keys of one account, newest first, a page at a time (keyset on
 * created_at and id, so a page costs the same at any depth). Console keys
 * (the console's own) are left out unless asked for.
 */
export async function listKeysForAccount({
  accountId,
  userId,
  status,
  search,
  before,
  limit = 50,
  includeConsole = false,
}: {
  accountId: string;
  userId?: string;
  status?: KeyStatus;
  search?: string;
  /** The last row of the previous page. */
  before?: { createdAt: string; id: string };
  limit?: number;
  includeConsole?: boolean;
}) {
  const db = await getDb();
  return db
    .select(listColumns)
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(
      and(
        eq(apiKeys.accountId, accountId),
        userId ? eq(apiKeys.userId, userId) : undefined,
        includeConsole ? undefined : eq(apiKeys.kind, "api"),
        status ? statusFilter(status) : undefined,
        search ? or(ilike(apiKeys.name, `%${search}%`), ilike(apiKeys.prefix, `${search}%`)) : undefined,
        before ? sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (${before.createdAt}::timestamptz, ${before.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(limit);
}

/** Every key on the platform, optionally of one user: for platform operators (CLI, superadmins). */
export async function listKeysForPlatform({ userId }: { userId?: string } = {}) {
  const db = await getDb();
  return db
    .select(listColumns)
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(userId ? eq(apiKeys.userId, userId) : undefined)
    .orderBy(desc(apiKeys.createdAt));
}

/** One key of this account (any state), or undefined: a key of another account is not found. */
export async function findApiKeyForAccount({ id, accountId }: { id: string; accountId: string }) {
  const db = await getDb();
  const [row] = await db
    .select(listColumns)
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.id, id), eq(apiKeys.accountId, accountId)));
  return row;
}

/** Keys on the platform whose id is `ref` or whose visible prefix starts with it: what the CLI's --key takes. */
export async function findApiKeysByRefForPlatform({ ref }: { ref: string }) {
  const db = await getDb();
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  return db
    .select(listColumns)
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(isUuid ? eq(apiKeys.id, ref) : sql`${apiKeys.prefix} like ${`${ref.replace(/[%_\\]/g, "\\$&")}%`}`)
    .limit(10);
}

const revokeWhere = (id: string) => and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt));

/** Revoke a key of this account. Returns the key's id when revoked. */
export async function revokeApiKey({ id, accountId }: { id: string; accountId: string }) {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()`, changedAt: sql`now()` })
    .where(and(revokeWhere(id), eq(apiKeys.accountId, accountId)))
    .returning({ id: apiKeys.id, accountId: apiKeys.accountId, prefix: apiKeys.prefix });
  return row;
}

/** Revoke any key on the platform (CLI). */
export async function revokeApiKeyForPlatform({ id }: { id: string }) {
  const db = await getDb();
  const [row] = await db.update(apiKeys).set({ revokedAt: sql`now()`, changedAt: sql`now()` }).where(revokeWhere(id)).returning({ id: apiKeys.id, accountId: apiKeys.accountId, prefix: apiKeys.prefix });
  return row;
}

/**
 * Give a usable key of this account a new secret. The secret it had stays
 * valid until `graceUntil` (not at all when that is not in the future); a
 * secret still in an earlier grace period is dropped at once.
 */
export async function rotateApiKey({
  id,
  accountId,
  hash,
  prefix,
  graceUntil,
}: {
  id: string;
  accountId: string | null;
  hash: string;
  prefix: string;
  graceUntil: Date;
}) {
  const db = await getDb();
  const grace = graceUntil.toISOString();
  const [row] = await db
    .update(apiKeys)
    .set({
      previousHash: sql`case when ${grace}::timestamptz > now() then ${apiKeys.hash} end`,
      previousPrefix: sql`case when ${grace}::timestamptz > now() then ${apiKeys.prefix} end`,
      previousExpiresAt: sql`case when ${grace}::timestamptz > now() then ${grace}::timestamptz end`,
      hash,
      prefix,
      rotatedAt: sql`now()`,
      changedAt: sql`now()`,
    })
    .where(
      and(
        eq(apiKeys.id, id),
        accountId === null ? undefined : eq(apiKeys.accountId, accountId),
        eq(apiKeys.kind, "api"),
        isNull(apiKeys.revokedAt),
        sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > now())`,
      ),
    )
    .returning({ id: apiKeys.id, accountId: apiKeys.accountId, previousPrefix: apiKeys.previousPrefix, previousExpiresAt: apiKeys.previousExpiresAt });
  return row;
}

/**
 * The key a secret's hash belongs to, by its current secret or by the one it
 * replaced, with whether its account is suspended (one round trip for both).
 */
export async function findApiKeyBySecretHash({ hash }: { hash: string }) {
  const db = await getDb();
  const [row] = await db
    .select({ ...getTableColumns(apiKeys), accountSuspendedAt: accounts.suspendedAt })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .where(or(eq(apiKeys.hash, hash), eq(apiKeys.previousHash, hash)));
  return row;
}

/**
 * Keys revoked, rotated or limited, and accounts suspended or unsuspended,
 * since `since`: what other instances must drop from their caches. One round
 * trip for both.
 */
export async function listKeyChangesSince({ since }: { since: Date }) {
  const db = await getDb();
  const keys = db.select({ id: apiKeys.id, kind: sql<"key" | "account">`'key'`, at: apiKeys.changedAt }).from(apiKeys).where(gte(apiKeys.changedAt, since));
  const accountRows = db
    .select({ id: accounts.id, kind: sql<"key" | "account">`'account'`, at: accounts.changedAt })
    .from(accounts)
    .where(gte(accounts.changedAt, since));
  return keys.unionAll(accountRows);
}

/** Note that keys were used; a key's time is written at most once a minute. */
export async function touchApiKeys({ ids }: { ids: string[] }) {
  if (ids.length === 0) return;
  const db = await getDb();
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(inArray(apiKeys.id, ids), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
}

export type KeyLimitValues = Partial<
  Pick<typeof apiKeys.$inferInsert, "allowedModels" | "monthlyBudgetNanos" | "outputTokensPerHour" | "outputTokensPerDay" | "expiresAt" | "name">
>;

/** Change a key's own limits; `accountId` null only for platform operators. */
export async function updateApiKeyLimits({ id, accountId, values }: { id: string; accountId: string | null; values: KeyLimitValues }) {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ ...values, changedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), accountId === null ? undefined : eq(apiKeys.accountId, accountId)))
    .returning({ id: apiKeys.id });
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
