import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { findAccountById, findAccountByName, insertAccount, setAccountBudget, setAccountName, setAccountSuspended, setAccountTier } from "@/db/queries/accounts";
import { findTierById, findTierByName } from "@/db/queries/tiers";
import { countUsers } from "@/db/queries/users";
import { audit } from "./audit/audit";
import { AppError, conflict, isUniqueViolation, notFound } from "./errors";
import { forgetAccount } from "./keys/cache";
import { parseMonthlyBudget } from "./limits/monthly-cap";
import { limitsApplied } from "./limits/propagation";
import { MIN_PASSWORD_LENGTH, hashPassword } from "./passwords";
import { parseInput } from "./validate";

/*
 * Accounts (tenants): what the console's platform pages and the CLI do to
 * them, the same functions behind both. Every change is audited.
 */

export { ROLES, type Role } from "./roles";

const email = z.string().trim().toLowerCase().email("a valid email address is required");
const password = z.string().min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
const accountName = z.string().trim().min(1, "account name is required").max(100);

async function tierByName(name: string) {
  const tier = await findTierByName({ name });
  if (!tier) throw notFound(`Tier '${name}' does not exist`, "tier");
  return tier;
}

async function tierById(id: number) {
  const tier = await findTierById({ id });
  if (!tier) throw notFound("That tier does not exist", "tier_id");
  return tier;
}

const alreadyNamed = (name: string) => conflict(`An account named '${name}' already exists`, "name");

/** A new account on a tier (by name, or by id from the console); "Tier 1" when none is given. */
export async function createAccount(input: { name: string; tier?: string; tierId?: number }) {
  const { name } = parseInput(z.object({ name: accountName }), input);
  const t = input.tierId !== undefined ? await tierById(input.tierId) : await tierByName(input.tier ?? "Tier 1");
  try {
    const account = await insertAccount({ name, tierId: t.id });
    await audit({ accountId: account.id, action: "account.create", objectType: "account", objectId: account.id, after: { name, tierId: t.id, tier: t.name } });
    return account;
  } catch (err) {
    if (isUniqueViolation(err)) throw alreadyNamed(name);
    throw err;
  }
}

export async function requireAccount(name: string) {
  const account = await findAccountByName({ name });
  if (!account) throw notFound(`Account '${name}' does not exist`, "account");
  return account;
}

/** An account and its tier by id; 404 for an unknown or malformed id. */
export async function requireAccountById(id: string) {
  const found = z.string().uuid().safeParse(id).success ? await findAccountById({ id }) : undefined;
  if (!found) throw notFound("No such account", "account");
  return found;
}

export async function renameAccount(input: { accountId: string; name: string }) {
  const { account } = await requireAccountById(input.accountId);
  const { name } = parseInput(z.object({ name: accountName }), input);
  if (name === account.name) return account;
  try {
    await setAccountName({ accountId: account.id, name });
  } catch (err) {
    if (isUniqueViolation(err)) throw alreadyNamed(name);
    throw err;
  }
  await audit({ accountId: account.id, action: "account.rename", objectType: "account", objectId: account.id, before: { name: account.name }, after: { name } });
  return { ...account, name };
}

/** Put an account on a tier; its limits apply on every instance once this returns (see lib/limits/propagation.ts). */
export async function changeAccountTier(input: { accountId: string; tierId: number }) {
  const { account, tier: before } = await requireAccountById(input.accountId);
  const tier = await tierById(input.tierId);
  await setAccountTier({ accountId: account.id, tierId: tier.id });
  await audit({
    accountId: account.id,
    action: "account.tier",
    objectType: "account",
    objectId: account.id,
    before: { tierId: before.id, tier: before.name },
    after: { tierId: tier.id, tier: tier.name },
  });
  await limitsApplied();
  return { account, tier };
}

/** The CLI's form: account and tier by name. */
export async function assignTier(input: { account: string; tier: string }) {
  const account = await requireAccount(input.account);
  const tier = await tierByName(input.tier);
  return changeAccountTier({ accountId: account.id, tierId: tier.id });
}

/** An account's own monthly cap, at most its tier's (null: the tier's cap only); exact on every instance once this returns. */
export async function changeMonthlyBudget(input: { accountId: string; monthly: string | null }) {
  const { account, tier } = await requireAccountById(input.accountId);
  const nanos = parseMonthlyBudget(input.monthly, tier);
  await setAccountBudget({ accountId: account.id, monthlyBudgetNanos: nanos });
  await audit({ accountId: account.id, action: "account.budget", objectType: "account", objectId: account.id, before: { monthlyBudgetNanos: account.monthlyBudgetNanos }, after: { monthlyBudgetNanos: nanos } });
  await limitsApplied();
  return { account, monthlyBudgetNanos: nanos };
}

/** The CLI's form: the account by name, "none" for no budget. */
export async function setMonthlyBudget(input: { account: string; monthly: string | number | null }) {
  const account = await requireAccount(input.account);
  return changeMonthlyBudget({ accountId: account.id, monthly: input.monthly === null ? null : String(input.monthly) });
}

/**
 * Suspend an account: every one of its keys is refused with 403
 * account_suspended on every instance within a second (none is revoked), and
 * its batches wait. Unsuspending restores exactly the keys that were valid:
 * a key revoked or expired meanwhile stays so.
 */
export async function setAccountSuspension(input: { accountId: string; suspended: boolean; reason?: string }) {
  const { account } = await requireAccountById(input.accountId);
  const changed = await setAccountSuspended({ accountId: account.id, suspended: input.suspended });
  if (!changed) throw notFound("No such account", "account");
  // This instance forgets the account's state now; the others within a second (their key watchers).
  forgetAccount(account.id);
  if (Boolean(changed.before) !== input.suspended) {
    await audit({
      accountId: account.id,
      action: input.suspended ? "account.suspend" : "account.unsuspend",
      objectType: "account",
      objectId: account.id,
      before: { name: account.name, suspendedAt: changed.before },
      after: { name: account.name, suspendedAt: changed.after, ...(input.reason ? { reason: input.reason } : {}) },
    });
  }
  return { account: { ...account, suspendedAt: changed.after }, changed: Boolean(changed.before) !== input.suspended };
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
