import { formatCount, formatMoney } from "@/lib/format";

/** How a chart's values read: counts, or euros (charts carry euros as numbers; the tables keep them exact). */
export type ValueFormat = "count" | "money";

export function formatValue(v: number, format: ValueFormat, compact = false): string {
  if (format === "money") {
    if (compact && Math.abs(v) >= 1000) return `${formatCount(v, true)} €`;
    return formatMoney(BigInt(Math.round(v * 1e9)));
  }
  return formatCount(v, compact);
}
