"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, consoleAction } from "@/lib/console/action-result";
import type { AccountBudgetForm, AccountTierForm, CreateAccountForm, RenameAccountForm, SuspendAccountForm } from "@/lib/console/admin-schema";
import { changeAccountBudgetAs, changeAccountTierAs, createAccountAs, renameAccountAs, suspendAccountAs } from "@/lib/console/platform-accounts";

/*
 * The platform's account administration (superadmins): thin actions over
 * lib/console/platform-accounts.ts, which checks who asks and validates.
 */

const changed = (accountId: string) => {
  revalidatePath("/accounts");
  revalidatePath(`/accounts/${accountId}`);
};

export async function createAccountAction(form: CreateAccountForm): Promise<ActionResult<{ id: string }>> {
  return consoleAction("createAccount", async (caller) => {
    const account = await createAccountAs(caller, form);
    revalidatePath("/accounts");
    return { id: account.id };
  });
}

export async function renameAccountAction(form: RenameAccountForm): Promise<ActionResult<null>> {
  return consoleAction("renameAccount", async (caller) => {
    const account = await renameAccountAs(caller, form);
    changed(account.id);
    return null;
  });
}

export async function changeAccountTierAction(form: AccountTierForm): Promise<ActionResult<null>> {
  return consoleAction("changeAccountTier", async (caller) => {
    const { account } = await changeAccountTierAs(caller, form);
    changed(account.id);
    return null;
  });
}

export async function changeAccountBudgetAction(form: AccountBudgetForm): Promise<ActionResult<null>> {
  return consoleAction("changeAccountBudget", async (caller) => {
    const { account } = await changeAccountBudgetAs(caller, form);
    changed(account.id);
    return null;
  });
}

export async function suspendAccountAction(form: SuspendAccountForm): Promise<ActionResult<null>> {
  return consoleAction("suspendAccount", async (caller) => {
    const { account } = await suspendAccountAs(caller, form);
    changed(account.id);
    return null;
  });
}
