import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { modelPath } from "@/components/platform/model-path";
import { PriceForm } from "@/components/platform/price-form";
import { PriceHistory } from "@/components/platform/price-history";
import { priceText } from "@/components/platform/price-text";
import { Card, CardTitle } from "@/components/ui/card";
import { type Column, DataTable } from "@/components/ui/data-table";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { FilterSelect, ListFilters } from "@/components/ui/list-filters";
import { PRICE_UNIT_INFO, PRICE_UNIT_LIST } from "@/lib/billing/price-units";
import { accountZone } from "@/lib/console/account-zone";
import { pageCaller } from "@/lib/console/caller";
import { type PriceRowView, priceRowsAs, priceableModelsAs } from "@/lib/console/prices";
import type { PriceUnit } from "@/lib/billing/prices";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Prices" };

const overrideColumns = (tz: string): Column<PriceRowView>[] => [
  {
    id: "model",
    header: "Model",
    className: "max-w-64 break-all",
    cell: (r) => (
      <Link href={modelPath(r.modelId!)} className="underline-offset-2 hover:underline">
        {r.modelId}
      </Link>
    ),
  },
  { id: "unit", header: "Unit", cell: (r) => PRICE_UNIT_INFO[r.unit].label },
  { id: "price", header: "Price", align: "right", cell: (r) => priceText(r.unit, r.nanosPerUnit) },
  { id: "since", header: "Since", cell: (r) => formatDateTime(r.effectiveFrom, tz) },
];

export default async function PricesPage({ searchParams }: { searchParams: Promise<{ model?: string }> }) {
  const caller = await pageCaller();
  if (!caller.superadmin) notFound();
  const { model } = await searchParams;
  const filter = model === undefined || model === "" ? undefined : model === "platform" ? null : model;
  const [rows, models, tz] = await Promise.all([priceRowsAs(caller), priceableModelsAs(caller), accountZone(caller.accountId)]);
  const defaults = PRICE_UNIT_LIST.map((unit) => ({ unit, row: rows.find((r) => r.modelId === null && r.unit === unit && r.status === "in force") }));
  const overrides = rows.filter((r) => r.modelId !== null && r.status === "in force").sort((a, b) => a.modelId!.localeCompare(b.modelId!) || a.unit.localeCompare(b.unit));
  const history = filter === undefined ? rows : rows.filter((r) => r.modelId === filter);
  return (
    <PageColumn wide>
      <PageHeader
        title="Prices"
        description="What every unit costs, for the platform and for models priced on their own. A new price applies to requests that start from its time on; past usage is never re-priced."
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle description="What a model without a price of its own is billed.">Platform prices in force</CardTitle>
          <dl className="divide-y text-sm" data-testid="platform-prices">
            {defaults.map(({ unit, row }) => (
              <div key={unit} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-0.5 py-2" data-testid="platform-price" data-unit={unit}>
                <dt>{PRICE_UNIT_INFO[unit].label}</dt>
                <dd className="text-right">
                  <span className="tabular-nums">{row ? priceText(unit, row.nanosPerUnit) : "free"}</span>
                  {row && <span className="block text-xs text-muted">since {formatDateTime(row.effectiveFrom, tz)}</span>}
                </dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card>
          <CardTitle description={`Times are in ${tz}. A price “now” is in force a second after it is saved: the time every instance needs to learn it.`}>Add a price</CardTitle>
          <PriceForm models={models} tz={tz} />
        </Card>
      </div>
      <Card>
        <CardTitle description="A model's own price for a unit replaces the platform's for that model.">Models priced on their own</CardTitle>
        {overrides.length === 0 ? (
          <p className="text-sm text-muted" data-testid="no-model-prices">
            Every model is billed at the platform&apos;s prices. Add a price for one model above, or from its page under Models.
          </p>
        ) : (
          <DataTable label="Models priced on their own" testId="model-prices" rowTestId="model-price" rows={overrides} rowKey={(r) => String(r.id)} columns={overrideColumns(tz)} />
        )}
      </Card>
      <section className="space-y-3" aria-labelledby="price-history-title">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="space-y-1">
            <h2 id="price-history-title" className="text-base font-semibold">
              History
            </h2>
            <p className="text-sm text-muted">Every price ever set, newest first: scheduled ones are not in force yet, superseded ones billed the requests of their time.</p>
          </div>
          <ListFilters action="/prices" testId="price-filter" clearHref={model ? "/prices" : null}>
            <FilterSelect
              name="model"
              label="Show"
              value={model ?? ""}
              options={[{ value: "", label: "Every price" }, { value: "platform", label: "The platform's" }, ...models.map((m) => ({ value: m, label: m }))]}
              testId="price-filter-model"
            />
          </ListFilters>
        </div>
        <PriceHistory rows={history} tz={tz} label="Price history" empty={{ title: "No price here", text: "Nothing has been priced for this choice: its requests are billed at the platform's prices." }} />
      </section>
    </PageColumn>
  );
}
