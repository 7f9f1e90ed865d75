import type { Metadata } from "next";
import { headers } from "next/headers";
import { AutoRefresh } from "@/components/batches/auto-refresh";
import { BatchList } from "@/components/batches/batch-list";
import { NoBatches } from "@/components/batches/no-batches";
import { consoleBatches, isActive } from "@/lib/console/batches";
import { publicUrl } from "@/lib/public-url";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Batches" };

export default async function BatchesPage() {
  const { user } = await requireSession();
  const [batches, requestHeaders] = await Promise.all([consoleBatches({ accountId: user.accountId }), headers()]);
  return (
    <div className="mx-auto w-full max-w-6xl space-y-6 px-4 py-8 sm:px-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Batches</h1>
        <p className="text-sm text-muted">Requests your account runs in the background at batch prices, with their progress, cost and results.</p>
      </header>
      {batches.length === 0 ? <NoBatches baseUrl={`${publicUrl(requestHeaders)}/v1`} /> : <BatchList batches={batches} />}
      <AutoRefresh active={batches.some((b) => isActive(b.status))} />
    </div>
  );
}
