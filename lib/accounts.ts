import { type SQL, sql } from "drizzle-orm";
import { audit } from "./audit/audit";
import { z } from "zod";
import { parseInput } from "./validate";
import { getDb } from "@/db/client";
import { findAccountByName, insertAccount, setAccountBudget, setAccountTier } from "@/db/queries/accounts";
import { eurosToNanos } from "./billing/money";
import { findTierByName } from "@/db/queries/tiers";
import { countUsers, findUserByEmail, insertUser, listUsersForPlatform, listUsersOfAccount, setUserDisabled, updatePasswordHash } from "@/db/queries/users";
import { AppError, badRequest, conflict, isUniqueViolation, notFound } from "./errors";
import { forgetKeyId } from "./keys/cache";
import { MIN_PASSWORD_LENGTH, hashPassword } from "./passwords";

export const ROLES = ["admin", "member", "finance"] as const;
export type Role = (typeof ROLES)[number];

const email = z.string().trim().toLowerCase().email("a valid email address is required");
const password = z.string().min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
const accountName = z.string().trim().min(1, "account name is required").max(100);


async function tierByName(name: string) {
  const tier = await findTierByName({ name });
  if (!tier) throw notFound(`Tier '${name}' does not exist`, "tier");
  return tier;
}

export async function createAccount(input: { name: string; tier?: string }) {
  const { name, tier } = parseInput(z.object({ name: accountName, tier: z.string().default("Tier 1") }), input);
  const t = await tierByName(tier);
  try {
    const account = await insertAccount({ name, tierId: t.id });
    await audit({ accountId: account.id, action: "account.create", objectType: "account", objectId: account.id, after: { name, tier: t.name } });
    return account;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`Account '${name}' already exists`, "name");
    throw err;
  }
}

export async function requireAccount(name: string) {
  const account = await findAccountByName({ name });
  if (!account) throw notFound(`Account '${name}' does not exist`, "account");
  return account;
}

export async function assignTier(input: { account: string; tier: string }) {
  const account = await requireAccount(input.account);
  const tier = await tierByName(input.tier);
  await setAccountTier({ accountId: account.id, tierId: tier.id });
  await audit({ accountId: account.id, action: "account.tier", objectType: "account", objectId: account.id, before: { tierId: account.tierId }, after: { tierId: tier.id, tier: tier.name } });
  return { account, tier };
}

const createUserSchema = z.object({
  email,
  password,
  name: z.string().trim().max(100).default(""),
  role: z.enum(ROLES, { message: `role must be one of ${ROLES.join(", ")}` }).default("member"),
  superadmin: z.boolean().default(false),
});

export async function createUser(input: z.input<typeof createUserSchema> & { account: string } | z.input<typeof createUserSchema> & { accountId: string }) {
  const data = parseInput(createUserSchema, input);
  const accountId = "accountId" in input ? input.accountId : (await requireAccount(input.account)).id;
  if (await findUserByEmail({ email: data.email })) throw conflict(`A user with email '${data.email}' already exists`, "email");
  try {
    const user = await insertUser({ ...data, passwordHash: await hashPassword(data.password), accountId });
    await audit({ accountId, action: "user.create", objectType: "user", objectId: user.id, after: { email: user.email, name: user.name, role: user.role, superadmin: user.superadmin } });
    return { ...user, passwordHash: undefined };
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A user with email '${data.email}' already exists`, "email");
    throw err;
  }
}

export async function setPassword(input: { email: string; password: string }) {
  const data = parseInput(z.object({ email, password }), input);
  const user = await findUserByEmail({ email: data.email });
  if (!user) throw notFound(`No user with email '${data.email}'`, "email");
  await updatePasswordHash({ userId: user.id, passwordHash: await hashPassword(data.password) });
  await audit({ accountId: user.accountId, action: "user.password", objectType: "user", objectId: user.id, after: { email: user.email } });
}

async function requireUser(address: string) {
  const data = parseInput(z.object({ email }), { email: address });
  const user = await findUserByEmail({ email: data.email });
  if (!user) throw notFound(`No user with email '${data.email}'`, "email");
  return user;
}

/**
 * Disable a user: they can no longer sign in, a session they have ends at
 * its next request, and every key they hold is revoked (on every instance
 * within a second). Enabling them again lets them sign in; keys stay revoked.
 */
export async function setUserEnabled(input: { email: string; enabled: boolean }) {
  const user = await requireUser(input.email);
  const result = await setUserDisabled({ userId: user.id, disabled: !input.enabled });
  if (!result) throw notFound(`No user with email '${input.email}'`, "email");
  // This instance forgets them now; the others within a second (their revocation watchers).
  for (const id of result.revokedKeyIds) forgetKeyId(id);
  await audit({ accountId: user.accountId, action: input.enabled ? "user.enable" : "user.disable", objectType: "user", objectId: user.id, after: { email: user.email, revokedKeys: result.revokedKeyIds } });
  return { user: result.user, revokedKeys: result.revokedKeyIds.length };
}

/** Users of one account (by name), or of every account. */
export async function listUsers(input: { account?: string } = {}) {
  if (!input.account) return listUsersForPlatform();
  return listUsersOfAccount({ accountId: (await requireAccount(input.account)).id });
}

export async function needsSetup(): Promise<boolean> {
  return (await countUsers()) === 0;
}

/**
 * First run: create the operator's account and its superadmin. Only while no
 * user exists; two racing set-ups cannot both succeed (transaction-level lock).
 */
export async function setupFirstAdmin(input: { accountName: string; email: string; password: string; name?: string }) {
  const data = parseInput(
    z.object({ accountName, email, password, name: z.string().trim().max(100).default("") }),
    input,
  );
  const db = await getDb();
  const hash = await hashPassword(data.password);
  // Looked up before the transaction: PGlite has a single connection, so a
  // query through `db` inside `tx` would wait for the transaction forever.
  const tier = await tierByName("Monthly Billing");
  return db.transaction(async (tx) => {
    const rows = async <T>(query: SQL) => ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
    await tx.execute(sql`select pg_advisory_xact_lock(727275)`);
    const [{ n }] = (await rows<{ n: number }>(sql`select count(*)::int as n from users`)) as [{ n: number }];
    if (n > 0) throw new AppError(409, "invalid_request_error", "Setup is already done: sign in instead", null, "setup_done");
    const [account] = (await rows<{ id: string }>(
      sql`insert into accounts (name, tier_id) values (${data.accountName}, ${tier.id}) returning id`,
    )) as [{ id: string }];
    const [user] = (await rows<{ id: string }>(sql`insert into users (email, name, password_hash, account_id, role, superadmin)
        values (${data.email}, ${data.name}, ${hash}, ${account.id}, 'admin', true) returning id`)) as [{ id: string }];
    return { accountId: account.id, userId: user.id };
  });
}

/** An account's own monthly cap, below its tier's (null: the tier's cap only). */
export async function setMonthlyBudget(input: { account: string; monthly: string | number | null }) {
  const account = await requireAccount(input.account);
  let nanos: bigint | null = null;
  if (input.monthly !== null && input.monthly !== "none") {
    try {
      nanos = eurosToNanos(input.monthly);
    } catch (err) {
      throw badRequest((err as Error).message, "monthly");
    }
    if (nanos <= 0n) throw badRequest("A monthly budget must be positive (or none)", "monthly");
  }
  await setAccountBudget({ accountId: account.id, monthlyBudgetNanos: nanos });
  await audit({ accountId: account.id, action: "account.budget", objectType: "account", objectId: account.id, before: { monthlyBudgetNanos: account.monthlyBudgetNanos }, after: { monthlyBudgetNanos: nanos } });
  return { account, monthlyBudgetNanos: nanos };
}
