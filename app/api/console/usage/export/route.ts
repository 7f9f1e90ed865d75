import { stringify } from "csv-stringify/sync";
import { consoleRoute } from "@/lib/console/route";
import { usageReport } from "@/lib/console/usage";
import { breakdownTable, csvRecords, seriesTable } from "@/lib/console/usage-table";

export const dynamic = "force-dynamic";

/**
 * The usage dashboard's tables as CSV, for the same filters: `table=series`
 * (per hour or day) or `table=breakdown` (per model, key or user, as `by`).
 */
export const GET = consoleRoute(async (request, { who }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const report = await usageReport(who, params);
  const breakdown = params.table === "breakdown";
  const records = breakdown
    ? csvRecords(report.by, breakdownTable(report))
    : csvRecords(report.range.resolution === "hour" ? "hour" : "day", seriesTable(report));
  const name = `usage-${breakdown ? `by-${report.by}` : report.range.resolution === "hour" ? "hourly" : "daily"}-${report.range.fromDate}-to-${report.range.toDate}.csv`;
  return new Response(stringify(records), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
  });
});
