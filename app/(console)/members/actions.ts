"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, consoleAction } from "@/lib/console/action-result";
import type { CreateMemberForm, MemberEnabledForm, MemberRoleForm, ResetPasswordForm } from "@/lib/console/admin-schema";
import { createMemberAs, resetMemberPasswordAs, setMemberEnabledAs, setMemberRoleAs } from "@/lib/console/members";

/*
 * Users of an account: thin actions over lib/console/members.ts, which checks
 * who asks (the account's admins, or superadmins) and validates. Used by the
 * Members page and the platform's account page alike.
 */

const changed = () => {
  revalidatePath("/members");
  revalidatePath("/accounts/[id]", "page");
};

export async function createMemberAction(form: CreateMemberForm): Promise<ActionResult<{ id: string; email: string }>> {
  return consoleAction("createMember", async (caller) => {
    const user = await createMemberAs(caller, form);
    changed();
    return user;
  });
}

export async function setMemberRoleAction(form: MemberRoleForm): Promise<ActionResult<null>> {
  return consoleAction("setMemberRole", async (caller) => {
    await setMemberRoleAs(caller, form);
    changed();
    return null;
  });
}

export async function setMemberEnabledAction(form: MemberEnabledForm): Promise<ActionResult<{ revokedKeys: number }>> {
  return consoleAction("setMemberEnabled", async (caller) => {
    const { revokedKeys } = await setMemberEnabledAs(caller, form);
    changed();
    return { revokedKeys };
  });
}

export async function resetMemberPasswordAction(form: ResetPasswordForm): Promise<ActionResult<{ email: string }>> {
  return consoleAction("resetMemberPassword", async (caller) => {
    const done = await resetMemberPasswordAs(caller, form);
    changed();
    return done;
  });
}
