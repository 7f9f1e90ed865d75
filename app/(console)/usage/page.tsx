import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { StatTile } from "@/components/ui/stat-tile";
import { BreakdownChart, UsageOverTimeCharts } from "@/components/usage/usage-charts";
import { UsageFilters } from "@/components/usage/usage-filters";
import { UsageTable } from "@/components/usage/usage-table";
import { LatencyTable } from "@/components/usage/latency-table";
import { pageCaller } from "@/lib/console/caller";
import { type UsageQuery, usageReport } from "@/lib/console/usage";
import { breakdownTable, bucketLabel, seriesTable } from "@/lib/console/usage-table";
import { nanosToEuroNumber } from "@/lib/billing/money";
import { formatCount, formatDate, formatMoney, formatPercent } from "@/lib/format";

export const metadata: Metadata = { title: "Usage" };

const BY_LABELS = { model: "Model", key: "Key", user: "User" } as const;

export default async function UsagePage({ searchParams }: { searchParams: Promise<UsageQuery & { table?: string }> }) {
  const caller = await pageCaller();
  const query = await searchParams;
  const report = await usageReport(caller, query);
  const { range, totals, tz } = report;
  const series = seriesTable(report);
  const breakdown = breakdownTable(report);
  const params = new URLSearchParams(
    Object.entries({ range: range.name, from: range.fromDate, to: range.toDate, model: report.filters.model, key: report.filters.key, user: report.filters.user, by: report.by }).filter(
      ([, v]) => v,
    ) as [string, string][],
  );
  const link = (extra: Record<string, string>) => `?${new URLSearchParams({ ...Object.fromEntries(params), ...extra })}`;
  const points = report.points.map((p) => ({
    // Hours of several days name their day too.
    label: new Intl.DateTimeFormat(
      "en-GB",
      range.resolution === "day"
        ? { timeZone: tz, day: "numeric", month: "short" }
        : range.name === "today"
          ? { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
          : { timeZone: tz, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
    ).format(p.start),
    title: bucketLabel(p.start, range.resolution, tz),
    input: p.promptTokens,
    output: p.completionTokens,
    reasoning: p.reasoningTokens,
    ok: p.requests - p.errors,
    errors: p.errors,
    spend: nanosToEuroNumber(p.costNanos),
  }));
  const period = `${formatDate(range.from, tz)} – ${formatDate(new Date(range.to.getTime() - 1), tz)}`;
  const csv = (table: string) => `/api/console/usage/export${link({ table })}`;

  return (
    <PageColumn wide>
      <PageHeader
        title="Usage"
        description={
          <>
            {report.everyone ? "Requests, tokens and spend of your account" : "Requests, tokens and spend of your own keys"}, {period} ({tz}).
          </>
        }
        actions={
          <a href={csv("series")} className="inline-flex h-9 items-center rounded-md border border-field-border bg-surface px-3 text-sm font-medium hover:bg-accent" data-testid="usage-csv" download>
            Download CSV
          </a>
        }
      />
      <UsageFilters
        range={range.name}
        from={range.fromDate}
        to={range.toDate}
        by={report.by}
        filters={report.filters}
        choices={report.choices}
        everyone={report.everyone}
      />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <StatTile label="Spend" value={formatMoney(totals.costNanos)} testId="usage-total-spend" detail={period} />
        <StatTile
          label="Requests"
          value={formatCount(totals.requests)}
          testId="usage-total-requests"
          detail={totals.requests ? `${formatPercent(totals.errors / totals.requests)} errors` : "no requests"}
        />
        <StatTile label="Input tokens" value={formatCount(totals.promptTokens, true)} testId="usage-total-input" />
        <StatTile
          label="Output tokens"
          value={formatCount(totals.completionTokens, true)}
          testId="usage-total-output"
          detail={totals.reasoningTokens ? `of which reasoning ${formatCount(totals.reasoningTokens, true)}` : undefined}
        />
      </div>

      {totals.requests === 0 ? (
        <EmptyState title="No usage in this range" testId="usage-empty" action={<Link className="text-sm underline" href="/keys">Create an API key</Link>}>
          Calls made with {report.everyone ? "the account's" : "your"} API keys, and in the console&apos;s playgrounds, show here within seconds. Try a longer range or
          fewer filters.
        </EmptyState>
      ) : (
        <>
          <UsageOverTimeCharts points={points} resolution={range.resolution} />
          <Card>
            <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
              <h2 className="text-base font-semibold">Breakdown</h2>
              <nav className="flex gap-1" aria-label="Break down by">
                {(report.everyone ? (["model", "key", "user"] as const) : (["model", "key"] as const)).map((b) => (
                  <Link
                    key={b}
                    href={link({ by: b })}
                    aria-current={report.by === b ? "true" : undefined}
                    data-testid={`usage-by-${b}`}
                    className="rounded-md px-3 py-1 text-sm text-muted hover:bg-accent aria-[current=true]:bg-accent aria-[current=true]:font-medium aria-[current=true]:text-foreground"
                  >
                    By {b}
                  </Link>
                ))}
                <a href={csv("breakdown")} className="ml-2 rounded-md px-3 py-1 text-sm underline-offset-2 hover:underline" data-testid="usage-breakdown-csv" download>
                  CSV
                </a>
              </nav>
            </div>
            <BreakdownChart rows={breakdown.rows.map((r) => ({ label: r.label, value: nanosToEuroNumber(BigInt(r.costNanos)) }))} label={`Spend by ${report.by}`} />
            <div className="mt-4">
              <UsageTable first={BY_LABELS[report.by]} rows={breakdown.rows} totals={breakdown.totals} testId="usage-breakdown" share />
            </div>
          </Card>
          <Card>
            <CardTitle description="Percentiles of the whole request's time and of the time to its first token, by model.">Latency</CardTitle>
            <LatencyTable rows={report.latency} />
          </Card>
          <Card>
            <details data-testid="usage-series-details">
              <summary className="cursor-pointer text-base font-semibold">
                Figures by {range.resolution}{" "}
                <span className="text-sm font-normal text-muted">
                  ({series.rows.length} {range.resolution === "hour" ? "hours" : "days"} with requests; the CSV holds the same rows)
                </span>
              </summary>
              <div className="mt-4">
                <UsageTable first={range.resolution === "hour" ? "Hour" : "Day"} rows={series.rows} totals={series.totals} testId="usage-series" />
              </div>
            </details>
          </Card>
        </>
      )}
    </PageColumn>
  );
}
