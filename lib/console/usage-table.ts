import type { UsageFigures } from "@/db/queries/usage-reports";
import { formatEuros } from "@/lib/billing/money";
import type { UsageReport } from "./usage";

/** One row of a usage table: what the page shows and the CSV holds, from the same figures. */
export interface UsageRow extends Omit<UsageFigures, "costNanos"> {
  label: string;
  /** Exact, as a decimal string of nano-euros. */
  costNanos: string;
}

const row = (label: string, f: UsageFigures): UsageRow => ({ ...f, label, costNanos: f.costNanos.toString() });

/** An hour or a day as tables and tooltips name it, in the account's zone: "Mon 30 Nov, 14:00". */
export function bucketLabel(start: Date, resolution: "hour" | "day", tz: string): string {
  const options: Intl.DateTimeFormatOptions =
    resolution === "hour"
      ? { timeZone: tz, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
      : { timeZone: tz, weekday: "short", day: "numeric", month: "short", year: "numeric" };
  return new Intl.DateTimeFormat("en-GB", options).format(start);
}

/** The figures of each hour or day of the range that had requests, and the range's totals. */
export function seriesTable(report: UsageReport) {
  return {
    rows: report.points.filter((p) => p.requests > 0).map((p) => row(bucketLabel(p.start, report.range.resolution, report.tz), p)),
    totals: row("Total", report.totals),
  };
}

/** The figures of each model, key or user, and their totals (equal to the series' totals). */
export function breakdownTable(report: UsageReport) {
  return { rows: report.breakdown.map((b) => row(b.label, b)), totals: row("Total", report.totals) };
}

const HEADER = ["requests", "errors", "input_tokens", "output_tokens", "reasoning_tokens", "spend_eur"] as const;

/** A table as CSV records: a header, its rows, and its totals row. Euros keep all nine decimals. */
export function csvRecords(firstColumn: string, table: { rows: UsageRow[]; totals: UsageRow }): string[][] {
  const cells = (r: UsageRow) => [r.label, String(r.requests), String(r.errors), String(r.promptTokens), String(r.completionTokens), String(r.reasoningTokens), formatEuros(BigInt(r.costNanos), 9)];
  return [[firstColumn, ...HEADER], ...table.rows.map(cells), cells(table.totals)];
}
