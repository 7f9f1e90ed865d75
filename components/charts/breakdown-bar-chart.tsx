"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { type ValueFormat, formatValue } from "./format";

/** Horizontal bars, largest first: spend or requests by model, key or user. */
export function BreakdownBarChart({
  data,
  format = "money",
  testId,
  label,
  color = "var(--chart-1)",
}: {
  data: { label: string; value: number }[];
  format?: ValueFormat;
  testId: string;
  label: string;
  color?: string;
}) {
  const rows = data.slice(0, 10);
  const height = Math.max(120, rows.length * 36 + 32);
  const axis = { stroke: "var(--muted)", fontSize: 12, tickLine: false, axisLine: false } as const;
  return (
    <div data-testid={testId} role="img" aria-label={label} style={{ height }} className="w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid horizontal={false} stroke="var(--chart-grid)" />
          <XAxis type="number" {...axis} tickFormatter={(v: number) => formatValue(v, format, true)} />
          <YAxis
            type="category"
            dataKey="label"
            {...axis}
            width={140}
            tickFormatter={(v: string) => (v.length > 20 ? `${v.slice(0, 19)}…` : v)}
          />
          <Tooltip
            cursor={{ fill: "var(--accent)", opacity: 0.6 }}
            contentStyle={{ background: "var(--surface)", border: "1px solid var(--border)", borderRadius: 8, fontSize: 12, color: "var(--foreground)" }}
            formatter={(v) => formatValue(Number(v), format)}
          />
          <Bar dataKey="value" name={format === "money" ? "Spend" : "Requests"} fill={color} radius={[0, 3, 3, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
