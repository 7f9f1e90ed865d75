import { backendStatusAs } from "@/lib/console/backends";
import { consoleRoute } from "@/lib/console/route";

/** What the backends page polls: each backend's health, circuit, requests in flight and recent latency, in this instance. */
export const GET = consoleRoute(async (_request, { who }) =>
  Response.json({ backends: backendStatusAs(who), at: Date.now() }, { headers: { "cache-control": "no-store" } }),
);
