import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { BackendsView } from "@/components/platform/backends-view";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { backendStatusAs, listBackendsAs } from "@/lib/console/backends";
import { pageCaller } from "@/lib/console/caller";

export const metadata: Metadata = { title: "Backends" };

export default async function BackendsPage() {
  const caller = await pageCaller();
  if (!caller.superadmin) notFound();
  const backends = (await listBackendsAs(caller)).map((b) => ({
    id: b.id,
    name: b.name,
    engine: b.engine,
    baseUrl: b.baseUrl,
    machineName: b.machineName,
    enabled: b.enabled,
    timeoutMs: b.timeoutMs,
    upstreamKey: b.upstreamKey,
    models: b.models,
  }));
  return (
    <PageColumn wide>
      <PageHeader
        title="Backends"
        description="The inference servers behind the API. Requests for a model go to the least busy healthy backend that serves it; one that fails three times in a row gets no traffic for 10 seconds (its circuit opens)."
      />
      <BackendsView backends={backends} initial={backendStatusAs(caller)} />
    </PageColumn>
  );
}
