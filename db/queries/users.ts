import { asc, count, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { accounts, users } from "../schema";

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

export async function updatePasswordHash({ userId, passwordHash }: { userId: string; passwordHash: string }) {
  const db = await getDb();
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function listUsersForAccount({ accountId }: { accountId: string }) {
  const db = await getDb();
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      superadmin: users.superadmin,
      createdAt: users.createdAt,
      account: accounts.name,
    })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.accountId, accountId))
    .orderBy(asc(users.email));
}
