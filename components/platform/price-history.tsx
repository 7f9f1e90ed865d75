import { Badge } from "@/components/ui/badge";
import { type Column, DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PRICE_UNIT_INFO } from "@/lib/billing/price-units";
import type { PriceRowView } from "@/lib/console/prices";
import { formatDateTime } from "@/lib/format";
import { priceText } from "./price-text";

const TONE = { scheduled: "info", "in force": "success", superseded: "neutral" } as const;

/** Price rows, newest first, each with when it starts and whether it is scheduled, in force or superseded. */
export function PriceHistory({ rows, tz, showModel = true, label, empty }: { rows: PriceRowView[]; tz: string; showModel?: boolean; label: string; empty: { title: string; text: string } }) {
  if (rows.length === 0) return <EmptyState title={empty.title} testId="price-history-empty">{empty.text}</EmptyState>;
  const columns: Column<PriceRowView>[] = [
    ...(showModel ? [{ id: "model", header: "Applies to", className: "max-w-56 break-all", cell: (r: PriceRowView) => r.modelId ?? <span className="text-muted">Platform</span> }] : []),
    { id: "unit", header: "Unit", cell: (r) => PRICE_UNIT_INFO[r.unit].label },
    { id: "price", header: "Price", align: "right", cell: (r) => priceText(r.unit, r.nanosPerUnit) },
    { id: "from", header: "From", cell: (r) => formatDateTime(r.effectiveFrom, tz) },
    { id: "status", header: "Status", cell: (r) => <Badge tone={TONE[r.status]} testId="price-status">{r.status}</Badge> },
  ];
  return <DataTable label={label} testId="price-history" rowTestId="price-row" rows={rows} rowKey={(r) => String(r.id)} columns={columns} />;
}
