import { platformAdminCaller } from "@/lib/console/admin";
import { notFound, toAppError } from "@/lib/errors";
import { cancelPull, findPull } from "@/lib/models/jobs";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function GET(_request: Request, { params }: Params) {
  try {
    await platformAdminCaller();
    const job = findPull((await params).id);
    if (!job) throw notFound("No such download on this server", "id");
    return Response.json(job, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}

/** Cancel: the download stops and its partial file is deleted. */
export async function DELETE(_request: Request, { params }: Params) {
  try {
    await platformAdminCaller();
    const job = cancelPull((await params).id);
    if (!job) throw notFound("No such download on this server", "id");
    return Response.json(job);
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
