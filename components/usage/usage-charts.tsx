"use client";

import { BreakdownBarChart } from "@/components/charts/breakdown-bar-chart";
import { type TimePoint, TimeSeriesChart } from "@/components/charts/time-series-chart";

/** The dashboard's charts over time: tokens, requests and errors, spend. */
export function UsageOverTimeCharts({ points, resolution }: { points: TimePoint[]; resolution: "hour" | "day" }) {
  const per = resolution === "hour" ? "per hour" : "per day";
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard title="Tokens" subtitle={per}>
        <TimeSeriesChart
          data={points}
          testId="chart-tokens"
          label={`Input, output and reasoning tokens ${per}`}
          series={[
            { key: "input", name: "Input", color: "var(--chart-1)" },
            { key: "output", name: "Output", color: "var(--chart-2)" },
            { key: "reasoning", name: "Reasoning", color: "var(--chart-3)" },
          ]}
        />
      </ChartCard>
      <ChartCard title="Requests" subtitle={`${per}, errors in red`}>
        <TimeSeriesChart
          data={points}
          testId="chart-requests"
          label={`Successful and failed requests ${per}`}
          series={[
            { key: "ok", name: "Succeeded", color: "var(--chart-4)" },
            { key: "errors", name: "Errors", color: "var(--chart-5)" },
          ]}
        />
      </ChartCard>
      <div className="lg:col-span-2">
        <ChartCard title="Spend" subtitle={per}>
          <TimeSeriesChart data={points} testId="chart-spend" label={`Spend in euros ${per}`} format="money" series={[{ key: "spend", name: "Spend", color: "var(--chart-1)" }]} />
        </ChartCard>
      </div>
    </div>
  );
}

export function BreakdownChart({ rows, label }: { rows: { label: string; value: number }[]; label: string }) {
  return <BreakdownBarChart data={rows} testId="chart-breakdown" label={label} />;
}

function ChartCard({ title, subtitle, children }: { title: string; subtitle: string; children: React.ReactNode }) {
  return (
    <section className="min-w-0 rounded-lg border bg-surface p-4 shadow-xs">
      <h2 className="text-sm font-semibold">
        {title} <span className="font-normal text-muted">{subtitle}</span>
      </h2>
      <div className="mt-3">{children}</div>
    </section>
  );
}
