import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/** A Node request as a Web Request whose signal aborts when the client goes away. */
export function toWebRequest(req: IncomingMessage, res: ServerResponse): Request {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const host = req.headers.host ?? "localhost";
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    else headers.set(k, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${host}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    signal: controller.signal,
    // @ts-expect-error Node's fetch needs this for a streamed request body
    duplex: "half",
  });
}

/** Write a Web Response to a Node response, chunk by chunk, flushing each at once. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === "set-cookie") return;
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => {
    if (!res.writableFinished) void reader.cancel().catch(() => {});
  };
  res.on("close", onClose);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once("drain", resolve).once("close", resolve));
      if (res.destroyed) break;
    }
  } catch {
    // The stream failed or was cancelled because the client left.
  } finally {
    res.off("close", onClose);
    if (!res.destroyed) res.end();
  }
}

/**
 * The HTTP listener: /v1/* and /v2/* go to the gateway, everything else to
 * `fallback` (Next.js in the real server).
 */
export function apiListener(
  handle: (request: Request) => Promise<Response>,
  fallback: (req: IncomingMessage, res: ServerResponse) => void,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    if (!(url.startsWith("/v1/") || url === "/v1" || url.startsWith("/v2/"))) {
      fallback(req, res);
      return;
    }
    handle(toWebRequest(req, res))
      .then((response) => {
        // An answer given before the body was read (a 413 on its declared length) leaves the rest of
        // the upload on the socket: close it, or the client's next request on it would be reset.
        if (!req.complete) res.setHeader("connection", "close");
        return sendWebResponse(res, response);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "Internal server error", type: "server_error", param: null, code: null } }));
      });
  };
}
