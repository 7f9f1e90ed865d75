import { healthReport } from "@/lib/health";

/** Answered on every request, never prerendered: it is the liveness probe of load balancers and the test runner. */
export const dynamic = "force-dynamic";

export async function GET() {
  const { status, body } = await healthReport();
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}
