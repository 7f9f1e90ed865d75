"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatCount, formatMoney } from "@/lib/format";
import { type Column, DataTable } from "@/components/ui/data-table";
import { TierDialog, type TierView } from "./tier-dialog";

const money = (nanos: string | null, none: string) => (nanos === null ? <span className="text-muted">{none}</span> : formatMoney(nanos));
const tokens = (n: number | null) => (n === null ? <span className="text-muted">Unlimited</span> : formatCount(n));
const billing = (t: TierView) => <Badge tone={t.postpaid ? "info" : "neutral"}>{t.postpaid ? "Post-paid" : "Prepaid"}</Badge>;

const columns: Column<TierView>[] = [
  {
    id: "name",
    header: "Tier",
    className: "max-w-64",
    cell: (t) => (
      <>
        <div className="font-medium">{t.name}</div>
        <div className="text-xs font-normal text-muted">{t.description}</div>
      </>
    ),
  },
  { id: "billing", header: "Billing", cell: billing },
  { id: "credit", header: "Purchase credit", align: "right", cell: (t) => money(t.purchaseCreditNanos, "None") },
  { id: "monthly", header: "Monthly cap", align: "right", cell: (t) => money(t.monthlyLimitNanos, "Unlimited") },
  { id: "hour", header: "Output tokens / hour", align: "right", cell: (t) => tokens(t.outputTokensPerHour) },
  { id: "day", header: "Output tokens / day", align: "right", cell: (t) => tokens(t.outputTokensPerDay) },
  { id: "rpm", header: "Requests / min", align: "right", cell: (t) => formatCount(t.requestsPerMinute) },
  { id: "accounts", header: "Accounts", align: "right", cell: (t) => formatCount(t.accounts) },
];

/** The tiers as a table (cards on a phone), each with its Edit button, and Add a tier. */
export function TiersView({ tiers }: { tiers: TierView[] }) {
  const [editing, setEditing] = useState<TierView | "new" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const open = (t: TierView | "new") => {
    setNotice(null);
    setEditing(t);
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-muted">
          {tiers.length} tiers. Limits hold every key of an account together; a key may be held tighter on its own.
        </p>
        <Button onClick={() => open("new")} data-testid="tier-add">
          Add a tier
        </Button>
      </div>
      {notice && (
        <Alert tone="notice" testId="tier-saved">
          {notice}
        </Alert>
      )}
      <DataTable
        label="Tiers"
        testId="tiers-table"
        rowTestId="tier-row"
        rows={tiers}
        rowKey={(t) => t.name}
        columns={columns}
        actions={(t) => (
          <Button variant="ghost" className="h-8 px-2" onClick={() => open(t)} data-testid="tier-edit" aria-label={`Edit ${t.name}`}>
            Edit
          </Button>
        )}
      />
      {editing !== null && (
        <TierDialog
          key={editing === "new" ? "new" : editing.id}
          tier={editing === "new" ? null : editing}
          open
          onClose={() => setEditing(null)}
          onSaved={(message) => {
            setEditing(null);
            setNotice(message);
          }}
        />
      )}
    </div>
  );
}
