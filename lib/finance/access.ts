import { z } from "zod";
import { findAccountById } from "@/db/queries/accounts";
import { type Caller, readsAccount, requireThat } from "@/lib/console/authz";
import { env } from "@/lib/env";
import { notFound } from "@/lib/errors";

/**
 * The account a finance page or route reads: the caller's own (finance, account
 * admins, superadmins), or with `accountId` any account, for superadmins only.
 * Another account's id from anyone else is "not found".
 */
export async function financeAccount(caller: Caller, accountId?: string) {
  requireThat(readsAccount(caller), "Finance pages are for finance users and account admins");
  const id = accountId && z.string().uuid().safeParse(accountId).success ? accountId : accountId ? "" : caller.accountId;
  if (id !== caller.accountId && !caller.superadmin) throw notFound("No such account", "account");
  const found = id ? await findAccountById({ id }) : undefined;
  if (!found) throw notFound("No such account", "account");
  return { ...found, tz: found.account.timezone ?? env().LLMAAS_TIMEZONE };
}
