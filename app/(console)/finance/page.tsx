import type { Metadata } from "next";
import Link from "next/link";
import { AccountPicker } from "@/components/finance/account-picker";
import { AdjustCreditForm } from "@/components/finance/adjust-credit-form";
import { MonthlySpendChart } from "@/components/finance/monthly-spend-chart";
import { Card, CardTitle } from "@/components/ui/card";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { StatTile } from "@/components/ui/stat-tile";
import { nanosToEuroNumber } from "@/lib/billing/money";
import { pageCaller } from "@/lib/console/caller";
import { financeOverview, platformSpend } from "@/lib/finance/overview";
import { UNIT_LABELS } from "@/lib/finance/statement";
import { formatDateTime, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Finance" };

const th = "whitespace-nowrap px-3 py-2 text-right text-xs font-medium uppercase tracking-wide text-muted first:text-left";
const td = "whitespace-nowrap px-3 py-2 text-right tabular-nums first:text-left";

export default async function FinancePage({ searchParams }: { searchParams: Promise<{ account?: string; month?: string }> }) {
  const caller = await pageCaller();
  const q = await searchParams;
  const [o, platform] = await Promise.all([financeOverview(caller, { accountId: q.account, month: q.month }), platformSpend(caller)]);
  const current = o.series.find((s) => s.month === o.month)!;
  const total = o.byKind.reduce((s, k) => s + k.amountNanos, 0n);
  const statementHref = `/finance/statement?${new URLSearchParams({ account: o.account.id, month: o.month })}`;
  const available = o.prepaid.balanceNanos - o.prepaid.reservedNanos;
  return (
    <PageColumn wide>
      <PageHeader
        title="Finance"
        description={`Spend of ${o.account.name} by month, kind of usage and model, and its credit. Months in ${o.tz}.`}
        actions={
          <Link href={statementHref} className="inline-flex h-9 items-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary-hover" data-testid="open-statement">
            Statement for {o.month}
          </Link>
        }
      />
      <AccountPicker
        action="/finance"
        accounts={platform ? [o.account, ...platform.accounts.filter((a) => a.id !== o.account.id)] : []}
        accountId={o.account.id}
        months={o.months}
        month={o.month}
        more={platform !== null}
      />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <StatTile label={`Spend in ${o.month}`} value={formatMoney(current.costNanos)} testId="finance-month-spend" detail={current.changePercent === null ? "no spend the month before" : `${current.changePercent >= 0 ? "+" : ""}${current.changePercent.toFixed(1)} % on the month before`} />
        <StatTile label="Spend, last 12 months" value={formatMoney(o.series.reduce((s, m) => s + m.costNanos, 0n))} />
        <StatTile label={o.tier.postpaid ? "Owed (post-paid)" : "Prepaid credit available"} value={formatMoney(o.tier.postpaid ? (o.prepaid.balanceNanos < 0n ? -o.prepaid.balanceNanos : 0n) : available)} testId="finance-balance" detail={`${o.tier.name}${o.tier.monthlyLimitNanos ? `, cap ${formatMoney(o.tier.monthlyLimitNanos)} a month` : ""}`} />
        <StatTile label="Spend, last 7 days" value={formatMoney(o.prepaid.lastWeekNanos)} detail={o.prepaid.runningOut ? "The credit lasts less than a week at this rate" : undefined} />
      </div>
      {o.prepaid.runningOut && (
        <p className="rounded-md border border-warning-border bg-warning-surface px-3 py-2 text-sm text-warning" data-testid="running-out">
          {o.account.name}&apos;s prepaid credit ({formatMoney(available)}) is less than its spend of the last 7 days ({formatMoney(o.prepaid.lastWeekNanos)}): top up soon.
        </p>
      )}
      <Card>
        <CardTitle description="Usage spend per calendar month, with the change from the month before.">Monthly spend</CardTitle>
        <MonthlySpendChart points={o.series.map((s) => ({ label: s.month, title: `${s.month}: ${formatMoney(s.costNanos)}${s.changePercent === null ? "" : ` (${s.changePercent >= 0 ? "+" : ""}${s.changePercent.toFixed(1)} %)`}`, spend: nanosToEuroNumber(s.costNanos) }))} />
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardTitle description={`What ${o.month}'s usage was billed for.`}>By kind of usage</CardTitle>
          <table className="w-full text-sm" data-testid="finance-by-kind">
            <thead className="border-b">
              <tr>
                <th className={th}>Kind</th>
                <th className={th}>Amount</th>
                <th className={th}>Share</th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {o.byKind.length === 0 && (
                <tr>
                  <td className={`${td} text-muted`} colSpan={3}>
                    No usage this month.
                  </td>
                </tr>
              )}
              {o.byKind.map((k) => (
                <tr key={k.unit}>
                  <td className={td}>{UNIT_LABELS[k.unit] ?? k.unit}</td>
                  <td className={td}>{formatMoney(k.amountNanos)}</td>
                  <td className={td}>{total > 0n ? `${(Number((k.amountNanos * 1000n) / total) / 10).toFixed(1)} %` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card>
          <CardTitle description={`${o.month}, largest first.`}>By model</CardTitle>
          <table className="w-full text-sm" data-testid="finance-by-model">
            <thead className="border-b">
              <tr>
                <th className={th}>Model</th>
                <th className={th}>Amount</th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {o.byModel.length === 0 && (
                <tr>
                  <td className={`${td} text-muted`} colSpan={2}>
                    No usage this month.
                  </td>
                </tr>
              )}
              {o.byModel.map((m) => (
                <tr key={m.modelId}>
                  <td className={`${td} max-w-64 truncate`}>{m.modelId}</td>
                  <td className={td}>{formatMoney(m.costNanos)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardTitle description="Top-ups and adjustments, newest first.">Credit history</CardTitle>
          {o.credits.length === 0 ? (
            <p className="text-sm text-muted">No top-up or adjustment yet.</p>
          ) : (
            <ul className="divide-y text-sm" data-testid="credit-history">
              {o.credits.map((c) => (
                <li key={c.id} className="flex items-start justify-between gap-3 py-2">
                  <div className="min-w-0">
                    <p className="font-medium">
                      {c.kind === "credit" ? "Top-up" : "Adjustment"}
                    </p>
                    <p className="truncate text-xs text-muted">
                      {formatDateTime(c.createdAt, o.tz)}
                      {c.note ? ` · ${c.note}` : ""}
                    </p>
                  </div>
                  <span className="tabular-nums">{formatMoney(c.amountNanos)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        {caller.superadmin ? (
          <Card>
            <CardTitle description="A top-up buys credit; an adjustment corrects the balance (a refund, a correction, a goodwill credit) and needs a reason. Both are ledger entries; no balance is ever edited.">
              Credit {o.account.name}
            </CardTitle>
            <AdjustCreditForm accountId={o.account.id} />
          </Card>
        ) : null}
      </div>
      {platform && (
        <div className="grid gap-4 lg:grid-cols-2">
          <Card>
            <CardTitle description="This calendar month (UTC), every account.">Largest spend</CardTitle>
            <ol className="divide-y text-sm" data-testid="largest-accounts">
              {platform.largest.map((r) => (
                <li key={r.accountId} className="flex justify-between gap-3 py-2">
                  <Link className="underline-offset-2 hover:underline" href={`/finance?account=${r.accountId}`}>
                    {r.name}
                  </Link>
                  <span className="tabular-nums">{formatMoney(r.currentNanos)}</span>
                </li>
              ))}
            </ol>
          </Card>
          <Card>
            <CardTitle description="This month against last month.">Fastest growth</CardTitle>
            <ol className="divide-y text-sm" data-testid="growing-accounts">
              {platform.growing.length === 0 && <li className="py-2 text-muted">No account had spend last month.</li>}
              {platform.growing.map((r) => (
                <li key={r.accountId} className="flex justify-between gap-3 py-2">
                  <Link className="underline-offset-2 hover:underline" href={`/finance?account=${r.accountId}`}>
                    {r.name}
                  </Link>
                  <span className="tabular-nums">
                    {r.growthPercent >= 0 ? "+" : ""}
                    {r.growthPercent.toFixed(1)} %
                  </span>
                </li>
              ))}
            </ol>
          </Card>
        </div>
      )}
    </PageColumn>
  );
}
