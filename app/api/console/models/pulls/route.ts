import { requirePlatformAdmin } from "@/lib/console/admin";
import { JSON_BODY, consoleRoute } from "@/lib/console/route";
import { parseInput } from "@/lib/validate";
import { listPulls, startPull } from "@/lib/models/jobs";
import { pullTarget } from "@/lib/models/pull";
import { startPullSchema } from "./schema";

export const dynamic = "force-dynamic";

export const GET = consoleRoute(async (_request, { who }) => {
  requirePlatformAdmin(who);
  return Response.json({ data: listPulls() }, { headers: { "cache-control": "no-store" } });
});

/** Start a pull; the page then follows it with GET /pulls/<id>. */
export const POST = consoleRoute(
  async (request, { who }) => {
    requirePlatformAdmin(who);
    const input = parseInput(startPullSchema, await request.json().catch(() => null));
    const { url, name } = pullTarget(input.url, input.name || undefined);
    const job = startPull({ url: url.toString(), name, sha256: input.sha256, startedBy: who.userId });
    return Response.json(job, { status: 202 });
  },
  { accepts: JSON_BODY },
);
