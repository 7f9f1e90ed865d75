import { consoleCaller } from "@/lib/console/auth";
import { limitsSummary } from "@/lib/console/limits";
import { toAppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const { key } = await consoleCaller();
    return Response.json(await limitsSummary(key), { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
