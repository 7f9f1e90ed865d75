import { z } from "zod";
import { countUsersOfAccounts, listAccountsForPlatform } from "@/db/queries/accounts";
import { readBalance } from "@/db/queries/limits";
import { listTiers } from "@/db/queries/tiers";
import { changeAccountTier, changeMonthlyBudget, createAccount, renameAccount, requireAccountById, setAccountSuspension } from "@/lib/accounts";
import { type Caller, forbidden } from "./authz";
import { monthlyCap } from "@/lib/limits/monthly-cap";
import { parseForm } from "@/lib/validate";
import { requirePlatformAdmin } from "./admin";
import {
  type AccountBudgetForm,
  type AccountTierForm,
  type CreateAccountForm,
  type RenameAccountForm,
  type SuspendAccountForm,
  accountBudgetSchema,
  accountTierSchema,
  createAccountSchema,
  renameAccountSchema,
  suspendAccountSchema,
} from "./admin-schema";
import { decodeCursor, pageOf, parseSort, sortParam } from "./keyset";

/*
 * The platform's accounts, for its administrators (superadmins) only: the
 * list, one account, and every change to one, each through the same
 * functions the CLI uses (lib/accounts.ts).
 */

const onlyPlatformAdmins = (caller: Caller) => requirePlatformAdmin(caller, "administer accounts");

export const ACCOUNT_SORTS = ["name", "created"] as const;
const PAGE = 25;

const listSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  tier: z.coerce.number().int().positive().optional().catch(undefined),
  status: z.enum(["active", "suspended"]).optional().catch(undefined),
  sort: z.string().max(20).optional().catch(undefined),
  after: z.string().max(1000).optional().catch(undefined),
});
export type AccountListQuery = z.input<typeof listSchema>;

/** A page of the platform's accounts, filtered and sorted as the address says. */
export async function listAccountsAs(caller: Caller, query: AccountListQuery = {}, limit = PAGE) {
  onlyPlatformAdmins(caller);
  const q = listSchema.parse(query);
  const sort = parseSort(q.sort, ACCOUNT_SORTS, { key: "name", desc: false });
  const after = decodeCursor(q.after, sort.key === "name" ? 1 : 2);
  const rows = await listAccountsForPlatform({ search: q.q || undefined, tierId: q.tier, status: q.status, sort, after, limit: limit + 1 });
  const page = pageOf(rows, limit, (r) => (sort.key === "name" ? [r.name] : [r.createdAtExact, r.id]));
  return { accounts: page.rows, next: page.next, query: { q: q.q ?? "", tier: q.tier ? String(q.tier) : "", status: q.status ?? "", sort: sortParam(sort), after: q.after ?? "" } };
}

/** The tiers an account can be put on, for pickers. */
export async function tiersAs(caller: Caller) {
  onlyPlatformAdmins(caller);
  return listTiers();
}

/** One account: its tier, budget, state and credit. 404 for an unknown id. */
export async function accountDetailAs(caller: Caller, accountId: string) {
  onlyPlatformAdmins(caller);
  const { account, tier } = await requireAccountById(accountId);
  const [balance, members] = await Promise.all([readBalance({ accountId: account.id }), countUsersOfAccounts({ accountIds: [account.id] })]);
  return { account, tier, balance, members: members.get(account.id) ?? 0, capNanos: monthlyCap(account, tier) };
}

export async function createAccountAs(caller: Caller, input: CreateAccountForm) {
  onlyPlatformAdmins(caller);
  const f = parseForm(createAccountSchema, input);
  return createAccount({ name: f.name, tierId: f.tierId });
}

export async function renameAccountAs(caller: Caller, input: RenameAccountForm) {
  onlyPlatformAdmins(caller);
  const f = parseForm(renameAccountSchema, input);
  return renameAccount({ accountId: f.accountId, name: f.name });
}

export async function changeAccountTierAs(caller: Caller, input: AccountTierForm) {
  onlyPlatformAdmins(caller);
  const f = parseForm(accountTierSchema, input);
  return changeAccountTier({ accountId: f.accountId, tierId: f.tierId });
}

export async function changeAccountBudgetAs(caller: Caller, input: AccountBudgetForm) {
  onlyPlatformAdmins(caller);
  const f = parseForm(accountBudgetSchema, input);
  return changeMonthlyBudget({ accountId: f.accountId, monthly: f.monthlyBudget });
}

/** Suspend or unsuspend an account; never the administrator's own, whose console would stop answering them. */
export async function suspendAccountAs(caller: Caller, input: SuspendAccountForm) {
  onlyPlatformAdmins(caller);
  const f = parseForm(suspendAccountSchema, input);
  if (f.suspended && f.accountId === caller.accountId) throw forbidden("You cannot suspend the account you belong to");
  return setAccountSuspension({ accountId: f.accountId, suspended: f.suspended, reason: f.reason || undefined });
}
