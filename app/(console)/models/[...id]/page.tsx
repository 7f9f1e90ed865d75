import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BackendHealth } from "@/components/catalogue/backend-health";
import { ExampleRequest } from "@/components/catalogue/example-request";
import { priceLines } from "@/components/catalogue/prices";
import { Card, CardTitle } from "@/components/ui/card";
import { consoleModels } from "@/lib/console/catalogue";
import { tryPath } from "@/lib/console/try-path";
import { consoleKeyFor } from "@/lib/keys/console";
import { publicUrl } from "@/lib/public-url";
import { requireSession } from "@/lib/session";

type Props = { params: Promise<{ id: string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).id.join("/")) };
}

export default async function ModelPage({ params }: Props) {
  const { user } = await requireSession();
  const id = decodeURIComponent((await params).id.join("/"));
  const [models, requestHeaders] = await Promise.all([consoleKeyFor(user.id).then(consoleModels), headers()]);
  const model = models.find((m) => m.id === id || m.aliases.includes(id));
  if (!model) notFound();
  const tryIt = tryPath(model.id, model.capabilities);
  const rows = [
    { label: "Capabilities", value: model.capabilities.join(", "), testId: "model-capabilities" },
    { label: "Context length", value: `${new Intl.NumberFormat("en-US").format(model.maxModelLen)} tokens`, testId: "model-context" },
    { label: "Also called", value: model.aliases.length ? model.aliases.join(", ") : "—", testId: "model-aliases" },
    { label: "Owned by", value: model.ownedBy, testId: "model-owner" },
  ];
  return (
    <div className="mx-auto w-full max-w-5xl space-y-6 px-4 py-8 sm:px-6">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link href="/models" className="hover:underline" data-testid="model-back">
          Models
        </Link>{" "}
        / <span className="text-foreground">{model.id}</span>
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight break-all" data-testid="model-title">
            {model.id}
          </h1>
          {model.description && <p className="text-sm text-muted">{model.description}</p>}
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
                <dd data-testid={r.testId}>{r.value}</dd>
              </div>
            ))}
          </dl>
        </Card>
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
      </div>
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
    </div>
  );
}
