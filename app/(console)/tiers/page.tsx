import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TiersView } from "@/components/platform/tiers-view";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { pageCaller } from "@/lib/console/caller";
import { listTiersAs } from "@/lib/console/tiers";

export const metadata: Metadata = { title: "Tiers" };

export default async function TiersPage() {
  const caller = await pageCaller();
  if (!caller.superadmin) notFound();
  const tiers = (await listTiersAs(caller)).map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    purchaseCreditNanos: t.purchaseCreditNanos?.toString() ?? null,
    monthlyLimitNanos: t.monthlyLimitNanos?.toString() ?? null,
    outputTokensPerHour: t.outputTokensPerHour,
    outputTokensPerDay: t.outputTokensPerDay,
    requestsPerMinute: t.requestsPerMinute,
    postpaid: t.postpaid,
    builtin: t.builtin,
    accounts: t.accounts,
  }));
  return (
    <PageColumn wide>
      <PageHeader
        title="Tiers"
        description="The packages accounts are put on: the credit that activates a prepaid tier, the monthly spend cap, and output tokens and requests allowed. A change holds every account on the tier from its next request."
      />
      <TiersView tiers={tiers} />
    </PageColumn>
  );
}
