import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BackendHealth } from "@/components/catalogue/backend-health";
import { ExampleRequest } from "@/components/catalogue/example-request";
import { priceLines } from "@/components/catalogue/prices";
import { ModelAdmin } from "@/components/platform/model-admin";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { accountZone } from "@/lib/console/account-zone";
import { pageCaller } from "@/lib/console/caller";
import { consoleModels } from "@/lib/console/catalogue";
import { modelAdminAs } from "@/lib/console/model-admin";
import { priceRowsAs } from "@/lib/console/prices";
import { tryPath } from "@/lib/console/try-path";
import { consoleKeyFor } from "@/lib/keys/console";
import { publicUrl } from "@/lib/public-url";

type Props = { params: Promise<{ id: string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).id.join("/")) };
}

/** Platform administrators also see hidden models, and the model's administration below its public page. */
async function adminView(caller: Awaited<ReturnType<typeof pageCaller>>, id: string) {
  if (!caller.superadmin) return null;
  const admin = await modelAdminAs(caller, id);
  if (!admin) return null;
  const [prices, tz] = await Promise.all([priceRowsAs(caller, admin.model.id), accountZone(caller.accountId)]);
  return { admin, prices, tz };
}

export default async function ModelPage({ params }: Props) {
  const caller = await pageCaller();
  const id = decodeURIComponent((await params).id.join("/"));
  const [models, requestHeaders, admin] = await Promise.all([consoleKeyFor(caller.userId).then(consoleModels), headers(), adminView(caller, id)]);
  const model = models.find((m) => m.id === id || m.aliases.includes(id));
  if (!model && !admin) notFound();
  const shown = model ?? admin!.admin.model;
  const tryIt = model ? tryPath(model.id, model.capabilities) : null;
  const rows = [
    { label: "Capabilities", value: shown.capabilities.join(", "), testId: "model-capabilities" },
    { label: "Context length", value: `${new Intl.NumberFormat("en-US").format(shown.maxModelLen)} tokens`, testId: "model-context" },
    { label: "Also called", value: shown.aliases.length ? shown.aliases.join(", ") : "—", testId: "model-aliases" },
    { label: "Owned by", value: shown.ownedBy, testId: "model-owner" },
  ];
  return (
    <div className="mx-auto w-full max-w-5xl space-y-6 px-4 py-8 sm:px-6">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link href="/models" className="hover:underline" data-testid="model-back">
          Models
        </Link>{" "}
        / <span className="text-foreground">{shown.id}</span>
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 space-y-1">
          <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight break-all" data-testid="model-title">
            {shown.id}
            {!model && <Badge tone="warning" testId="model-hidden-badge">hidden</Badge>}
          </h1>
          {shown.description && <p className="text-sm text-muted">{shown.description}</p>}
        </div>
        {tryIt && (
          <Link href={tryIt} data-testid="model-try" className="inline-flex h-9 items-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary-hover">
            Try it
          </Link>
        )}
      </header>
      <div className="grid gap-6 md:grid-cols-2">
        <Card>
          <CardTitle>About</CardTitle>
          <dl className="space-y-2 text-sm">
            {rows.map((r) => (
              <div key={r.label} className="grid grid-cols-[9rem_1fr] gap-3">
                <dt className="text-muted">{r.label}</dt>
                <dd data-testid={r.testId} className="min-w-0 break-words">
                  {r.value}
                </dd>
              </div>
            ))}
          </dl>
        </Card>
        {model && (
          <Card>
            <CardTitle description="In euros, as billed to your account.">Prices</CardTitle>
            <dl className="space-y-2 text-sm">
              {priceLines(model.capabilities, model.prices).map((p) => (
                <div key={p.unit} className="grid grid-cols-[9rem_1fr] gap-3">
                  <dt className="text-muted">{p.label}</dt>
                  <dd className="tabular-nums" data-testid={`model-price-${p.unit}`}>
                    {p.value}
                  </dd>
                </div>
              ))}
            </dl>
          </Card>
        )}
      </div>
      {model && (
        <>
          <Card>
            <CardTitle description="Requests go to the least busy healthy backend; a failing one is skipped.">Backends</CardTitle>
            <ul className="space-y-2" data-testid="model-backends">
              {model.backends.map((b) => (
                <li key={b.name}>
                  <BackendHealth backend={b} detailed />
                </li>
              ))}
            </ul>
          </Card>
          <Card>
            <CardTitle description="Replace LLMAAS_API_KEY by a key of yours.">Example request</CardTitle>
            <ExampleRequest model={model} baseUrl={`${publicUrl(requestHeaders)}/v1`} />
          </Card>
        </>
      )}
      {admin && <ModelAdmin admin={admin.admin} prices={admin.prices} tz={admin.tz} />}
    </div>
  );
}
