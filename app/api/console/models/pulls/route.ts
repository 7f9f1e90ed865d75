import { platformAdminCaller } from "@/lib/console/admin";
import { toAppError } from "@/lib/errors";
import { parseInput } from "@/lib/validate";
import { listPulls, startPull } from "@/lib/models/jobs";
import { pullTarget } from "@/lib/models/pull";
import { startPullSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await platformAdminCaller();
    return Response.json({ data: listPulls() }, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}

/** Start a pull; the page then follows it with GET /pulls/<id>. */
export async function POST(request: Request) {
  try {
    const { user } = await platformAdminCaller();
    const input = parseInput(startPullSchema, await request.json().catch(() => null));
    const { url, name } = pullTarget(input.url, input.name || undefined);
    const job = startPull({ url: url.toString(), name, sha256: input.sha256, startedBy: user.id });
    return Response.json(job, { status: 202 });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
