import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { type AuditListQuery, listAuditAs } from "@/lib/audit/list";
import { accountZone } from "@/lib/console/account-zone";
import { pageCaller } from "@/lib/console/caller";
import { formatDateTime, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Audit log" };

const field = "h-9 rounded-md border border-field-border bg-field px-2 text-sm shadow-xs";

/** "key.rotate" changes as a short line: the fields after, or before → after. */
function changes(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const show = (k: string, v: unknown) =>
    v === null || v === undefined || v === "" ? "—" : (k.endsWith("Nanos") || k.startsWith("nanos")) && /^-?\d+$/.test(String(v)) ? formatMoney(String(v)) : typeof v === "object" ? JSON.stringify(v) : String(v);
  const name = (k: string) => k.replace(/Nanos$/, "").replace(/^nanosPer(\w)/, (_m, c: string) => `per${c}`);
  return keys.map((k) => (before && k in before ? `${name(k)}: ${show(k, before[k])} → ${show(k, after?.[k])}` : `${name(k)}: ${show(k, after?.[k])}`)).join("; ");
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<AuditListQuery> }) {
  const caller = await pageCaller();
  const [{ entries, next, query }, tz] = await Promise.all([listAuditAs(caller, await searchParams), accountZone(caller.accountId)]);
  const filters = new URLSearchParams(Object.entries({ action: query.action ?? "", actor: query.actor ?? "", account: query.account ?? "" }).filter(([, v]) => v));
  const accountFilter = query.account ? entries.find((e) => e.accountId === query.account)?.accountName : undefined;
  return (
    <PageColumn wide>
      <PageHeader
        title="Audit log"
        description={`${caller.superadmin ? "Every administrative action on the platform" : "Every administrative action on your account"}, from the console and the CLI: who, what, when, and the object before and after. Entries cannot be changed or deleted.`}
        actions={
          <a href={`/api/console/audit?${filters}`} download className="inline-flex h-9 items-center rounded-md border border-field-border bg-surface px-3 text-sm font-medium hover:bg-accent" data-testid="audit-csv">
            Download CSV
          </a>
        }
      />
      <Form action="/audit" className="flex flex-wrap items-end gap-2" data-testid="audit-filters">
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Action
          <input name="action" defaultValue={query.action} placeholder="e.g. key or key.rotate" className={`${field} w-48`} data-testid="audit-action" />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Who
          <input name="actor" defaultValue={query.actor} placeholder="e-mail or cli:" className={`${field} w-48`} data-testid="audit-actor" />
        </label>
        {query.account && <input type="hidden" name="account" value={query.account} />}
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        {query.account && (
          <Link href={`/audit?${new URLSearchParams([...filters].filter(([k]) => k !== "account"))}`} className="inline-flex h-9 items-center rounded-md px-2 text-sm underline-offset-2 hover:underline" data-testid="audit-account-filter" aria-label={`Show every account, not only ${accountFilter ?? "this one"}`}>
            Account: {accountFilter ?? query.account.slice(0, 8)} ✕
          </Link>
        )}
      </Form>
      {entries.length === 0 ? (
        <EmptyState title="Nothing recorded" testId="audit-empty">
          Creating, rotating or revoking keys, changing budgets, tiers, users and credit is recorded here.
        </EmptyState>
      ) : (
        <DataTable
          label="Audit log"
          testId="audit-table"
          rowTestId="audit-row"
          rows={entries}
          rowKey={(e) => String(e.id)}
          columns={[
            { id: "action", header: "Action", cell: (e) => <span className="whitespace-nowrap font-mono text-xs" data-action={e.action}>{e.action}</span> },
            { id: "at", header: "When", cell: (e) => formatDateTime(e.at, tz), className: "whitespace-nowrap" },
            { id: "actor", header: "Who", cell: (e) => e.actor, className: "max-w-48 truncate" },
            ...(caller.superadmin
              ? [
                  {
                    id: "account",
                    header: "Account",
                    className: "max-w-40 truncate",
                    cell: (e: (typeof entries)[number]) =>
                      e.accountId ? (
                        <Link href={`/audit?${new URLSearchParams({ ...Object.fromEntries(filters), account: e.accountId })}`} className="underline-offset-2 hover:underline">
                          {e.accountName ?? e.accountId.slice(0, 8)}
                        </Link>
                      ) : (
                        <span className="text-muted">platform</span>
                      ),
                  },
                ]
              : []),
            {
              id: "object",
              header: "Object",
              className: "whitespace-nowrap text-xs",
              cell: (e) => (
                <>
                  {e.objectType} <code className="text-muted">{e.objectId.slice(0, 8)}</code>
                </>
              ),
            },
            { id: "changes", header: "Changes", className: "min-w-64 max-w-xl break-words text-xs text-muted", cell: (e) => changes(e.before, e.after) },
          ]}
        />
      )}
      {(query.after || next) && (
        <nav className="flex justify-end gap-3 text-sm" aria-label="Pages of the audit log">
          {query.after && <Link href={`/audit?${filters}`}>Newest</Link>}
          {next && (
            <Link href={`/audit?${new URLSearchParams({ ...Object.fromEntries(filters), after: next })}`} data-testid="audit-next">
              Older
            </Link>
          )}
        </nav>
      )}
    </PageColumn>
  );
}
