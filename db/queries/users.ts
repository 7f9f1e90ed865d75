import { and, asc, count, eq, ilike, isNotNull, isNull, or, sql } from "drizzle-orm";
import { getDb } from "../client";
import { type User, accounts, apiKeys, users } from "../schema";

export async function insertUser(values: typeof users.$inferInsert) {
  const db = await getDb();
  const [user] = await db.insert(users).values(values).returning();
  return user!;
}

export async function findUserByEmail({ email }: { email: string }) {
  const db = await getDb();
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return user;
}

export async function findUserById({ id }: { id: string }) {
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

export async function countUsers(): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

/** A new password; `mustChangePassword` when an administrator chose it. The user's sessions end (the session version trigger). */
export async function updatePasswordHash({ userId, passwordHash, mustChangePassword = false }: { userId: string; passwordHash: string; mustChangePassword?: boolean }) {
  const db = await getDb();
  await db.update(users).set({ passwordHash, mustChangePassword }).where(eq(users.id, userId));
}

export async function setUserRoleOf({ userId, role }: { userId: string; role: User["role"] }) {
  const db = await getDb();
  await db.update(users).set({ role }).where(eq(users.id, userId));
}

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  superadmin: users.superadmin,
  disabledAt: users.disabledAt,
  mustChangePassword: users.mustChangePassword,
  createdAt: users.createdAt,
  account: accounts.name,
};

/** The users of one account. */
export async function listUsersOfAccount({ accountId }: { accountId: string }) {
  const db = await getDb();
  return db
    .select(userColumns)
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.accountId, accountId))
    .orderBy(asc(users.email));
}

/** Users of every account, with their account's name: for platform operators. */
export async function listUsersForPlatform() {
  const db = await getDb();
  return db
    .select(userColumns)
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .orderBy(asc(accounts.name), asc(users.email));
}

/**
 * Disable a user and revoke every key they hold, in one transaction; or
 * enable them again (their revoked keys stay revoked). Returns the user and
 * how many keys were revoked, or undefined for an unknown user.
 */
export async function setUserDisabled({ userId, disabled }: { userId: string; disabled: boolean }) {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ disabledAt: disabled ? sql`coalesce(${users.disabledAt}, now())` : null })
      .where(eq(users.id, userId))
      .returning({ id: users.id, email: users.email, disabledAt: users.disabledAt });
    if (!user) return undefined;
    const revoked = disabled
      ? await tx
          .update(apiKeys)
          .set({ revokedAt: sql`now()`, changedAt: sql`now()` })
          .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id })
      : [];
    return { user, revokedKeyIds: revoked.map((k) => k.id) };
  });
}

/** Ends every console session of a user: each one carries the version it was opened under. */
export async function bumpSessionVersion({ userId }: { userId: string }) {
  const db = await getDb();
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}

/**
 * One account's users a page at a time, in e-mail order (keyset on the
 * lower-cased e-mail, which is unique): filtered by role, state and a part
 * of the e-mail or name.
 */
export async function listMembersOfAccount({
  accountId,
  role,
  status,
  search,
  desc: descending = false,
  after,
  limit,
}: {
  accountId: string;
  role?: User["role"];
  status?: "active" | "disabled";
  search?: string;
  desc?: boolean;
  /** The lower-cased e-mail of the previous page's last row. */
  after?: string;
  limit: number;
}) {
  const db = await getDb();
  const pattern = search ? `%${search.replace(/[%_\\]/g, "\\$&")}%` : undefined;
  const order = sql`lower(${users.email})`;
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      superadmin: users.superadmin,
      disabledAt: users.disabledAt,
      mustChangePassword: users.mustChangePassword,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(
      and(
        eq(users.accountId, accountId),
        role ? eq(users.role, role) : undefined,
        status === "disabled" ? isNotNull(users.disabledAt) : status === "active" ? isNull(users.disabledAt) : undefined,
        pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined,
        after !== undefined ? (descending ? sql`${order} < ${after}::text` : sql`${order} > ${after}::text`) : undefined,
      ),
    )
    .orderBy(descending ? sql`${order} desc` : sql`${order} asc`)
    .limit(limit);
}
