import type { Metadata } from "next";
import Link from "next/link";
import { PrintButton } from "@/components/finance/print-button";
import { PageColumn } from "@/components/ui/page-header";
import { pageCaller } from "@/lib/console/caller";
import { UNIT_LABELS, accountStatement } from "@/lib/finance/statement";
import { formatCount, formatDate, formatDateTime, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Statement" };

const th = "whitespace-nowrap px-3 py-2 text-right text-xs font-medium uppercase tracking-wide text-muted first:text-left";
const td = "px-3 py-2 text-right tabular-nums first:text-left";

export default async function StatementPage({ searchParams }: { searchParams: Promise<{ account?: string; month?: string }> }) {
  const caller = await pageCaller();
  const q = await searchParams;
  const s = await accountStatement(caller, { accountId: q.account, month: q.month });
  const params = new URLSearchParams({ account: s.account.id, month: s.month });
  const row = (label: string, amount: bigint, testId: string, strong = false) => (
    <div className={`flex justify-between gap-4 py-1.5 ${strong ? "font-semibold" : ""}`}>
      <dt>{label}</dt>
      <dd className="tabular-nums" data-testid={testId} data-value={amount.toString()}>
        {formatMoney(amount)}
      </dd>
    </div>
  );
  return (
    <PageColumn>
      <div className="flex flex-wrap items-center justify-between gap-2 print:hidden">
        <Link href={`/finance?${params}`} className="text-sm underline-offset-2 hover:underline">
          ← Finance
        </Link>
        <div className="flex gap-2">
          <a href={`/api/console/finance/statement?${params}`} download className="inline-flex h-9 items-center rounded-md border border-field-border bg-surface px-3 text-sm font-medium hover:bg-accent" data-testid="statement-csv">
            Download CSV
          </a>
          <PrintButton />
        </div>
      </div>
      <article className="space-y-8 rounded-lg border bg-surface p-4 shadow-xs sm:p-6 print:border-0 print:p-0 print:shadow-none" data-testid="statement">
        <header className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">Statement · {s.month}</h1>
            <p className="text-sm text-muted">
              {s.account.name} · {formatDate(s.window.start, s.tz)} – {formatDate(new Date(s.window.end.getTime() - 1), s.tz)} ({s.tz})
            </p>
          </div>
          <dl className="text-sm sm:text-right">
            <dt className="text-muted">Tier</dt>
            <dd className="font-medium">
              {s.tier.name}
              {s.tier.monthlyLimitNanos !== null ? ` · cap ${formatMoney(s.tier.monthlyLimitNanos)}` : " · no cap"}
            </dd>
          </dl>
        </header>

        <section>
          <h2 className="mb-2 text-base font-semibold">Summary</h2>
          <dl className="divide-y text-sm">
            {row("Opening balance", s.openingNanos, "statement-opening")}
            {row("Top-ups", s.totals.topUpsNanos, "statement-topups")}
            {row("Adjustments", s.totals.adjustmentsNanos, "statement-adjustments")}
            {row("Usage", -s.totals.usageNanos, "statement-usage")}
            {row("Closing balance", s.closingNanos, "statement-closing", true)}
          </dl>
        </section>

        <section className="break-inside-avoid">
          <h2 className="mb-2 text-base font-semibold">Top-ups and adjustments</h2>
          {s.credits.length === 0 ? (
            <p className="text-sm text-muted">None this month.</p>
          ) : (
            <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Top-ups and adjustments">
            <table className="w-full text-sm" data-testid="statement-credits">
              <thead className="border-b">
                <tr>
                  <th className={th}>Date</th>
                  <th className={th}>Kind</th>
                  <th className={`${th} !text-left`}>Reason or note</th>
                  <th className={th}>Amount</th>
                </tr>
              </thead>
              <tbody className="divide-y">
                {s.credits.map((c) => (
                  <tr key={c.id} data-testid="statement-credit">
                    <td className={`${td} whitespace-nowrap`}>{formatDateTime(c.at, s.tz)}</td>
                    <td className={td}>{c.kind === "credit" ? "Top-up" : "Adjustment"}</td>
                    <td className={`${td} !text-left`}>{c.note || "—"}</td>
                    <td className={td}>{formatMoney(c.amountNanos)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </section>

        <section className="print:break-before-page">
          <h2 className="mb-2 text-base font-semibold">Usage</h2>
          {s.lines.length === 0 ? (
            <p className="text-sm text-muted">No usage this month.</p>
          ) : (
            <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Usage line items">
              <table className="w-full text-sm" data-testid="statement-lines">
                <thead className="border-b">
                  <tr>
                    <th className={th}>Model</th>
                    <th className={th}>Unit</th>
                    <th className={th}>Quantity</th>
                    <th className={th}>Unit price</th>
                    <th className={th}>Amount</th>
                  </tr>
                </thead>
                <tbody className="divide-y">
                  {s.lines.map((l, i) => (
                    <tr key={i} data-testid="statement-line">
                      <td className={`${td} max-w-56 truncate`}>{l.modelId || "—"}</td>
                      <td className={td}>{UNIT_LABELS[l.unit] ?? l.unit}</td>
                      <td className={td}>{formatCount(Number(l.quantity))}</td>
                      <td className={td}>{formatMoney(l.unitPriceNanos)}</td>
                      <td className={td} data-value={l.amountNanos.toString()}>
                        {formatMoney(l.amountNanos)}
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot className="border-t-2 font-semibold">
                  <tr>
                    <td className={td} colSpan={4}>
                      Total usage
                    </td>
                    <td className={td} data-testid="statement-lines-total" data-value={s.totals.usageNanos.toString()}>
                      {formatMoney(s.totals.usageNanos)}
                    </td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
        </section>
        <p className="text-xs text-muted">Amounts are rounded for reading; the CSV holds them to the nano-euro (10⁻⁹ €), as the ledger does.</p>
      </article>
    </PageColumn>
  );
}
