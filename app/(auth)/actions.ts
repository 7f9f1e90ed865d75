"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signIn } from "@/auth";
import { setupFirstAdmin } from "@/lib/accounts";
import { safeCallbackPath } from "@/lib/callback-path";
import { AppError } from "@/lib/errors";
import { loginSchema, setupSchema, type SetupField } from "./schema";

export interface LoginState {
  error?: string;
  email?: string;
}

export async function login(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get("email") ?? "");
  const parsed = loginSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: "Enter your email and password", email };
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeCallbackPath(parsed.data.callbackUrl),
    });
  } catch (err) {
    // Never say which of the two was wrong: that would confirm who has an account.
    const code = err instanceof AuthError && err.type === "CredentialsSignin" ? (err as AuthError & { code?: string }).code : undefined;
    if (code === "too_many_attempts") return { error: "Too many failed sign-in attempts for this address. Wait a few minutes and try again.", email };
    if (code === "user_disabled") return { error: "This user is disabled. Ask an administrator of your account to enable it.", email };
    if (err instanceof AuthError && err.type === "CredentialsSignin") return { error: "Invalid email or password", email };
    if (err instanceof AuthError) return { error: "Signing in failed. Try again in a moment.", email };
    throw err; // signIn redirects by throwing
  }
  return {};
}

export interface SetupState {
  fieldErrors?: Partial<Record<SetupField, string>>;
  error?: string;
  values?: { accountName: string; name: string; email: string };
}

export async function setup(_previous: SetupState, formData: FormData): Promise<SetupState> {
  const text = (key: string) => String(formData.get(key) ?? "");
  const values = { accountName: text("accountName"), name: text("name"), email: text("email") };
  const parsed = setupSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error);
    const first = Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, messages?.[0]]));
    return { fieldErrors: first, values };
  }
  try {
    await setupFirstAdmin(parsed.data);
  } catch (err) {
    if (err instanceof AppError && err.code === "setup_done") redirect("/login?notice=setup-done");
    if (err instanceof AppError && err.status < 500) return { error: err.message, values };
    throw err;
  }
  try {
    await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirectTo: "/" });
  } catch (err) {
    if (err instanceof AuthError) redirect("/login?notice=account-created");
    throw err;
  }
  return {};
}
