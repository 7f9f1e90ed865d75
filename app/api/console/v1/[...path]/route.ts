import { consoleRoute } from "@/lib/console/route";
import { getGatewayRuntime } from "@/lib/gateway";

export const dynamic = "force-dynamic";

/** Headers the gateway reads from a browser's request; cookies and the rest stay here. */
const FORWARDED = ["content-type", "accept", "content-length"];

/**
 * The console's way into the API: the signed-in user's console key instead of
 * a Bearer secret, then the same pipeline as /v1 (limits, billing, usage).
 * The request's signal goes along, so closing the browser's stream stops the
 * backend. Bodies are JSON, or multipart for audio uploads.
 */
const proxy = consoleRoute<{ path: string[] }>(
  async (request, { caller: { key }, params: { path } }) => {
    const url = new URL(request.url);
    const headers = new Headers();
    for (const name of FORWARDED) {
      const value = request.headers.get(name);
      if (value) headers.set(name, value);
    }
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    const upstream = new Request(`http://console.internal/v1/${path.map(encodeURIComponent).join("/")}${url.search}`, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      signal: request.signal,
      // @ts-expect-error Node's fetch needs this for a streamed request body
      duplex: "half",
    });
    return getGatewayRuntime().gateway.handle(upstream, { key });
  },
  { accepts: ["application/json", "multipart/form-data"] },
);

export const GET = proxy;
export const POST = proxy;
