"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/auth";
import { changePasswordSchema } from "@/lib/console/admin-schema";
import { fieldErrors } from "@/lib/console/key-schema";
import { AppError } from "@/lib/errors";
import { currentSession } from "@/lib/session";
import { changeOwnPassword } from "@/lib/users";

export interface ChangePasswordState {
  fieldErrors?: Record<string, string>;
  error?: string;
}

/**
 * The signed-in user chooses their own password (after a temporary one, or
 * any time). The new password ends every session the user had, this one too,
 * so they are signed in again with it, and go on to the console.
 */
export async function changePassword(_previous: ChangePasswordState, formData: FormData): Promise<ChangePasswordState> {
  const session = await currentSession();
  if (!session?.user?.id) redirect("/login");
  const parsed = changePasswordSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error) };
  try {
    await changeOwnPassword({ userId: session.user.id, current: parsed.data.current, password: parsed.data.password });
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return err.param ? { fieldErrors: { [err.param]: err.message } } : { error: err.message };
    throw err;
  }
  try {
    await signIn("credentials", { email: session.user.email, password: parsed.data.password, redirectTo: "/" });
  } catch (err) {
    if (err instanceof AuthError) redirect("/login?notice=password-changed");
    throw err; // signIn redirects by throwing
  }
  return {};
}
