import type { Metadata } from "next";
import { headers } from "next/headers";
import { GettingStarted } from "@/components/console/getting-started";
import { SignedInCard } from "@/components/console/signed-in-card";
import { TryInBrowser } from "@/components/console/try-in-browser";
import { BackendStatus } from "@/components/overview/backend-status";
import { CapabilityStatus } from "@/components/overview/capability-status";
import { ModelsTile } from "@/components/overview/models-tile";
import { NextStep } from "@/components/overview/next-step";
import { SpendTile } from "@/components/overview/spend-tile";
import { findAccountById } from "@/db/queries/accounts";
import { listUsersOfAccount } from "@/db/queries/users";
import { consoleModels } from "@/lib/console/catalogue";
import { limitsSummary } from "@/lib/console/limits";
import { env } from "@/lib/env";
import { consoleKeyFor } from "@/lib/keys/console";
import { publicUrl } from "@/lib/public-url";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Overview" };

/**
 * The first page after sign-in: what works now and what is missing, the next
 * step, and for those who see the account's money, the month's spend.
 */
export default async function OverviewPage() {
  const { user } = await requireSession();
  const key = await consoleKeyFor(user.id);
  const seesMoney = user.role === "admin" || user.role === "finance" || user.superadmin;
  const isAdmin = user.role === "admin" || user.superadmin;
  const [found, requestHeaders, models, users, summary] = await Promise.all([
    findAccountById({ id: user.accountId }),
    headers(),
    consoleModels(key),
    listUsersOfAccount({ accountId: user.accountId }),
    seesMoney ? limitsSummary(key) : Promise.resolve(null),
  ]);
  const admins = users.filter((u) => u.role === "admin" && !u.disabledAt && u.id !== user.id).map((u) => u.name || u.email);
  const chatModel = models.find((m) => m.capabilities.includes("chat"))?.id ?? null;
  return (
    <div className="mx-auto w-full max-w-5xl space-y-6 px-4 py-8 sm:px-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Welcome{user.name ? `, ${user.name}` : ""}</h1>
        <p className="text-sm text-muted">Your OpenAI-compatible API, served from your own machines.</p>
      </header>
      <NextStep chatModel={chatModel} isAdmin={isAdmin} canAddModels={user.superadmin} admins={admins} modelsDir={env().LLMAAS_MODELS_DIR} />
      <div className={`grid grid-cols-1 gap-4 ${summary ? "sm:grid-cols-2" : ""}`}>
        <ModelsTile models={models} />
        {summary && <SpendTile summary={summary} />}
      </div>
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-2">
        <CapabilityStatus models={models} />
        <BackendStatus models={models} />
      </div>
      <GettingStarted email={user.email ?? ""} baseUrl={`${publicUrl(requestHeaders)}/v1`} modelId={chatModel} isAdmin={isAdmin} admins={admins} />
      <TryInBrowser />
      <SignedInCard
        email={user.email ?? ""}
        name={user.name ?? ""}
        account={found?.account.name ?? "—"}
        role={user.role}
        superadmin={user.superadmin}
      />
    </div>
  );
}
