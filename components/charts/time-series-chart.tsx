"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { type ValueFormat, formatValue } from "./format";

export interface Series {
  key: string;
  name: string;
  /** A CSS colour, e.g. var(--chart-1). */
  color: string;
}

export interface TimePoint {
  /** The bucket as the axis shows it ("Nov 30" or "14:00"). */
  label: string;
  /** The bucket in full, for the tooltip ("Mon 30 Nov, 14:00–15:00"). */
  title: string;
  [series: string]: number | string;
}

/**
 * Values over time, as stacked bars per bucket (an hour, a day or a month).
 * The box has a fixed height, so the page does not move when it draws.
 */
export function TimeSeriesChart({
  data,
  series,
  format = "count",
  height = 240,
  testId,
  label,
}: {
  data: TimePoint[];
  series: Series[];
  format?: ValueFormat;
  height?: number;
  testId: string;
  /** What the chart shows, for screen readers (the table below it has the figures). */
  label: string;
}) {
  const axis = { stroke: "var(--muted)", fontSize: 12, tickLine: false, axisLine: false } as const;
  const common = (
    <>
      <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
      <XAxis dataKey="label" {...axis} minTickGap={16} />
      <YAxis {...axis} width={format === "money" ? 76 : 56} tickFormatter={(v: number) => formatValue(v, format, true)} allowDecimals={format === "money"} />
      <Tooltip
        cursor={{ fill: "var(--accent)", opacity: 0.6 }}
        contentStyle={{ background: "var(--surface)", border: "1px solid var(--border)", borderRadius: 8, fontSize: 12, color: "var(--foreground)" }}
        labelFormatter={(_l, payload) => (payload?.[0]?.payload as TimePoint | undefined)?.title ?? ""}
        formatter={(v) => formatValue(Number(v), format)}
      />
      {series.length > 1 && <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />}
    </>
  );
  return (
    <div data-testid={testId} role="img" aria-label={label} style={{ height }} className="w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          {common}
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} stackId="a" fill={s.color} radius={i === series.length - 1 ? [3, 3, 0, 0] : 0} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
