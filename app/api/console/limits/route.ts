import { limitsSummary } from "@/lib/console/limits";
import { consoleRoute } from "@/lib/console/route";

export const dynamic = "force-dynamic";

export const GET = consoleRoute(async (_request, { caller: { key } }) =>
  Response.json(await limitsSummary(key), { headers: { "cache-control": "no-store" } }),
);
