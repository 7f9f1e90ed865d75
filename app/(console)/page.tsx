import type { Metadata } from "next";
import { headers } from "next/headers";
import { GettingStarted } from "@/components/console/getting-started";
import { SignedInCard } from "@/components/console/signed-in-card";
import { TryInBrowser } from "@/components/console/try-in-browser";
import { findAccountById } from "@/db/queries/accounts";
import { publicUrl } from "@/lib/public-url";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const { user } = await requireSession();
  const [found, requestHeaders] = await Promise.all([findAccountById({ id: user.accountId }), headers()]);
  return (
    <div className="mx-auto w-full max-w-5xl space-y-6 px-4 py-8 sm:px-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Welcome{user.name ? `, ${user.name}` : ""}</h1>
        <p className="text-sm text-muted">Your OpenAI-compatible API, served from your own machines.</p>
      </header>
      <SignedInCard
        email={user.email ?? ""}
        name={user.name ?? ""}
        account={found?.account.name ?? "—"}
        role={user.role}
        superadmin={user.superadmin}
      />
      <TryInBrowser />
      <GettingStarted email={user.email ?? ""} baseUrl={`${publicUrl(requestHeaders)}/v1`} />
    </div>
  );
}
