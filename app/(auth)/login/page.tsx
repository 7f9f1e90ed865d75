import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { needsSetup } from "@/lib/accounts";
import { safeCallbackPath } from "@/lib/callback-path";
import { currentSession } from "@/lib/session";

export const metadata: Metadata = { title: "Sign in" };

/** Messages other pages may ask this one to show; anything else in ?notice= is ignored. */
const notices: Record<string, string> = {
  "signed-out": "You have signed out.",
  "setup-done": "This platform is already set up: sign in with your account.",
  "account-created": "Your account is ready: sign in to continue.",
  "password-changed": "Your password is changed: sign in with it.",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  await connection();
  if (await needsSetup()) redirect("/setup");
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await currentSession()) redirect(callbackUrl);
  const notice = typeof params.notice === "string" ? notices[params.notice] : undefined;
  return (
    <AuthCard title="Sign in" description="Use the email and password of your console account.">
      <LoginForm callbackUrl={callbackUrl} notice={notice} />
    </AuthCard>
  );
}
