import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthCard } from "@/components/auth/auth-card";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { currentSession } from "@/lib/session";

export const metadata: Metadata = { title: "Choose your password" };

/**
 * Where a user whose password an administrator chose (a new user, a reset)
 * lands after signing in, and the only console page they can open until they
 * have chosen their own. Anyone signed in may change their password here.
 */
export default async function ChangePasswordPage() {
  await connection();
  const session = await currentSession();
  if (!session?.user?.id) redirect("/login?callbackUrl=%2Fchange-password");
  const forced = session.user.mustChangePassword;
  return (
    <AuthCard
      title={forced ? "Choose your password" : "Change your password"}
      description={
        forced
          ? "You signed in with a temporary password from an administrator. Choose your own to continue; the temporary one stops working."
          : "Your other signed-in browsers are signed out when the password changes."
      }
    >
      <p className="text-sm" data-testid="change-password-email">
        Signed in as <span className="font-medium">{session.user.email}</span>
      </p>
      <ChangePasswordForm />
      <div className="flex items-center justify-between gap-3 border-t pt-4 text-sm text-muted">
        <span>{forced ? "Not you, or later?" : "Changed your mind?"}</span>
        {forced ? (
          <SignOutButton />
        ) : (
          <Link className="underline underline-offset-2" href="/" data-testid="change-password-back">
            Back to the console
          </Link>
        )}
      </div>
    </AuthCard>
  );
}
