import { requirePlatformAdmin } from "@/lib/console/admin";
import { consoleRoute } from "@/lib/console/route";
import { notFound } from "@/lib/errors";
import { cancelPull, findPull } from "@/lib/models/jobs";

export const dynamic = "force-dynamic";

export const GET = consoleRoute<{ id: string }>(async (_request, { who, params }) => {
  requirePlatformAdmin(who);
  const job = findPull(params.id);
  if (!job) throw notFound("No such download on this server", "id");
  return Response.json(job, { headers: { "cache-control": "no-store" } });
});

/** Cancel: the download stops and its partial file is deleted. */
export const DELETE = consoleRoute<{ id: string }>(async (_request, { who, params }) => {
  requirePlatformAdmin(who);
  const job = cancelPull(params.id);
  if (!job) throw notFound("No such download on this server", "id");
  return Response.json(job);
});
