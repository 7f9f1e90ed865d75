"use client";

import { type TimePoint, TimeSeriesChart } from "@/components/charts/time-series-chart";

/** Spend per month over a year, as bars. */
export function MonthlySpendChart({ points }: { points: TimePoint[] }) {
  return <TimeSeriesChart data={points} testId="chart-monthly-spend" label="Spend per month over the last 12 months, in euros" format="money" series={[{ key: "spend", name: "Spend", color: "var(--chart-2)" }]} height={260} />;
}
