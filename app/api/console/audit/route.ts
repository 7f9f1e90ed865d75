import { stringify } from "csv-stringify/sync";
import { listAuditAs } from "@/lib/audit/list";
import { consoleRoute } from "@/lib/console/route";

export const dynamic = "force-dynamic";

/** The audit log as CSV, for the same filters as the page (up to 100,000 entries, newest first). */
export const GET = consoleRoute(async (request, { who }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const { entries } = await listAuditAs(who, { action: params.action, actor: params.actor, account: params.account }, 100_000);
  const records = [
    ["at", "actor", "account_id", "account", "action", "object_type", "object_id", "before", "after"],
    ...entries.map((e) => [e.at.toISOString(), e.actor, e.accountId ?? "", e.accountName ?? "", e.action, e.objectType, e.objectId, e.before ? JSON.stringify(e.before) : "", e.after ? JSON.stringify(e.after) : ""]),
  ];
  return new Response(stringify(records), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="audit-log.csv"', "cache-control": "no-store" },
  });
});
