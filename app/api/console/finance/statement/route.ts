import { stringify } from "csv-stringify/sync";
import { formatEuros } from "@/lib/billing/money";
import { consoleRoute } from "@/lib/console/route";
import { accountStatement, statementRecords } from "@/lib/finance/statement";

export const dynamic = "force-dynamic";

/** A month's statement as CSV: `?account=<id>&month=2026-11`. */
export const GET = consoleRoute(async (request, { who }) => {
  const url = new URL(request.url);
  const s = await accountStatement(who, { accountId: url.searchParams.get("account") ?? undefined, month: url.searchParams.get("month") ?? undefined });
  const name = `statement-${s.account.name.replace(/[^\w-]+/g, "-")}-${s.month}.csv`;
  return new Response(stringify(statementRecords(s, (n) => formatEuros(n, 9))), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
  });
});
