import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { needsSetup } from "@/lib/accounts";
import { MIN_PASSWORD_LENGTH } from "@/lib/passwords";

export const metadata: Metadata = { title: "Set up" };

/** First run only: once anyone can sign in, this page is gone. */
export default async function SetupPage() {
  await connection();
  if (!(await needsSetup())) redirect("/login");
  return (
    <AuthCard
      title="Set up llmaas"
      description="Create the first account and its administrator. You can add more users and accounts later."
    >
      <SetupForm minPasswordLength={MIN_PASSWORD_LENGTH} />
    </AuthCard>
  );
}
