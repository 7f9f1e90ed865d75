import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CreateAccountButton } from "@/components/admin/create-account-dialog";
import { AccountStatusBadge } from "@/components/admin/account-status-badge";
import { tierLabel } from "@/components/admin/tier-label";
import { Badge } from "@/components/ui/badge";
import { type Column, DataTable, KeysetPager, hrefWith } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterSearch, FilterSelect, ListFilters } from "@/components/ui/list-filters";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { pageCaller } from "@/lib/console/caller";
import { type AccountListQuery, listAccountsAs, tiersAs } from "@/lib/console/platform-accounts";
import { env } from "@/lib/env";
import { formatCount, formatDate, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Accounts" };

const PATH = "/accounts";

type Row = Awaited<ReturnType<typeof listAccountsAs>>["accounts"][number];

export default async function AccountsPage({ searchParams }: { searchParams: Promise<AccountListQuery> }) {
  const caller = await pageCaller();
  if (!caller.superadmin) notFound();
  const [{ accounts, next, query }, tiers] = await Promise.all([listAccountsAs(caller, await searchParams), tiersAs(caller)]);
  const tz = env().LLMAAS_TIMEZONE;
  const filtered = Boolean(query.q || query.tier || query.status);
  const base = { q: query.q, tier: query.tier, status: query.status, sort: query.sort === "name" ? "" : query.sort };
  const columns: Column<Row>[] = [
    {
      id: "name",
      header: "Name",
      sort: "name",
      cell: (a) => (
        <Link href={`${PATH}/${a.id}`} className="font-medium underline decoration-muted/50 underline-offset-4 hover:decoration-current" data-testid="account-link">
          {a.name}
        </Link>
      ),
      className: "max-w-72 truncate",
    },
    { id: "tier", header: "Tier", cell: (a) => a.tier },
    { id: "status", header: "Status", cell: (a) => <AccountStatusBadge suspendedAt={a.suspendedAt} /> },
    { id: "members", header: "Users", align: "right", cell: (a) => formatCount(a.members) },
    { id: "balance", header: "Balance", align: "right", cell: (a) => <span className={a.balanceNanos < 0n ? "text-danger" : undefined}>{formatMoney(a.balanceNanos)}</span> },
    { id: "created", header: "Created", sort: "created", firstDesc: true, cell: (a) => formatDate(a.createdAt, tz), className: "whitespace-nowrap" },
  ];
  return (
    <PageColumn wide>
      <PageHeader
        title="Accounts"
        description="Every account on the platform: its tier, users and prepaid balance. Open one to rename it, change its tier or budget, add credit, manage its users or suspend it."
        actions={<CreateAccountButton tiers={tiers.map((t) => ({ id: t.id, label: tierLabel(t) }))} />}
      />
      <ListFilters action={PATH} testId="accounts-filters" keep={{ sort: base.sort }} clearHref={filtered ? hrefWith(PATH, { sort: base.sort }) : null}>
        <FilterSearch name="q" label="Name" value={query.q} placeholder="Part of the name" testId="filter-account-name" />
        <FilterSelect name="tier" label="Tier" value={query.tier} options={[{ value: "", label: "Every tier" }, ...tiers.map((t) => ({ value: String(t.id), label: t.name }))]} testId="filter-account-tier" />
        <FilterSelect
          name="status"
          label="Status"
          value={query.status}
          options={[
            { value: "", label: "Any" },
            { value: "active", label: "Active" },
            { value: "suspended", label: "Suspended" },
          ]}
          testId="filter-account-status"
        />
      </ListFilters>
      {accounts.length === 0 ? (
        <EmptyState
          title={filtered || query.after ? "No account matches these filters" : "No accounts yet"}
          testId="accounts-empty"
          action={filtered ? <Link href={PATH} className="text-sm underline">Show every account</Link> : undefined}
        >
          {filtered ? null : "Create the first account for a team: it gets its own keys, usage, budget and bills."}
        </EmptyState>
      ) : (
        <DataTable
          label="Accounts"
          testId="accounts-table"
          rowTestId="account-row"
          rows={accounts}
          rowKey={(a) => a.id}
          columns={columns}
          sort={query.sort}
          sortHref={(sort) => hrefWith(PATH, { ...base, sort: sort === "name" ? "" : sort })}
        />
      )}
      <KeysetPager
        label="Pages of accounts"
        testId="accounts"
        firstHref={query.after ? hrefWith(PATH, base) : null}
        nextHref={next ? hrefWith(PATH, { ...base, after: next }) : null}
      />
      {accounts.some((a) => a.suspendedAt) && <p className="text-xs text-muted"><Badge tone="danger">Suspended</Badge> accounts&apos; keys are all refused until they are unsuspended.</p>}
    </PageColumn>
  );
}
