import { findUsageByRequestId } from "@/db/queries/usage";
import { consoleRoute } from "@/lib/console/route";
import { notFound } from "@/lib/errors";

export const dynamic = "force-dynamic";

/**
 * What one of the user's own requests was billed, from its usage event: the
 * figures the playground pages show once a request has ended. Events are
 * written a fraction of a second after the request, so 404 means "not yet".
 */
export const GET = consoleRoute<{ requestId: string }>(async (_request, { caller: { user }, params: { requestId } }) => {
  const [event] = (await findUsageByRequestId({ accountId: user.accountId, requestId })).filter((e) => e.userId === user.id);
  if (!event) throw notFound("No usage recorded for this request yet", "request_id");
  return Response.json(
    {
      request_id: event.requestId,
      model: event.modelId,
      status: event.status,
      prompt_tokens: event.promptTokens,
      completion_tokens: event.completionTokens,
      reasoning_tokens: event.reasoningTokens,
      units: event.units,
      cost_nanos: event.costNanos.toString(),
      latency_ms: event.latencyMs,
      ttft_ms: event.ttftMs,
      estimated: event.estimated,
    },
    { headers: { "cache-control": "no-store" } },
  );
});
