/*
 * OpenAI's wire format for answers the gateway builds itself (adapters that
 * translate another protocol, the embedded engine): JSON bodies, error
 * envelopes, and server-sent events fed from a generator.
 */

type Json = Record<string, unknown>;

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export const errorJson = (status: number, message: string, code: string | null = null, param: string | null = null) =>
  json(status, { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", param, code } });

/**
 * Events as SSE, ending with `data: [DONE]`. When the reader cancels,
 * `onCancel` runs before the generator is closed: the generator may be
 * waiting on work that only stops once told to.
 */
export function sse(gen: AsyncGenerator<Json>, onCancel: () => void = () => {}): Response {
  const enc = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await gen.next();
        if (done) {
          controller.enqueue(enc.encode("data: [DONE]\n\n"));
          controller.close();
        } else controller.enqueue(enc.encode(`data: ${JSON.stringify(value)}\n\n`));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      onCancel();
      await gen.return(undefined);
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
}

