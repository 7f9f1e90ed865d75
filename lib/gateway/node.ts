import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ClientGone } from "../backends/signal";
import type { ApiRequest, GatewayReply } from "./wire";

/** How long a connection answered before its upload ended keeps reading (and dropping) the rest. */
const LINGER_MS = 10_000;

/**
 * The request body as a Web stream. Unlike Readable.toWeb, cancelling it
 * (the gateway stops reading at the size limit) leaves the connection open,
 * so the client still receives the answer.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => {
        if (!open) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once("end", () => {
        if (open) controller.close();
        open = false;
      });
      req.once("close", () => {
        if (open && !req.complete) controller.error(new Error("the client closed the connection during the upload"));
        open = false;
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      open = false;
    },
  });
}

/**
 * Close a connection answered before its upload ended without losing the
 * answer: closing a socket with unread data resets it, and the client, still
 * writing, would see EPIPE instead of the 413. So after the answer the
 * gateway half-closes, reads and drops what is still coming for a while
 * (a "lingering close", as nginx does), then closes.
 */
function closeLingering(req: IncomingMessage): void {
  const socket = req.socket as Socket & { destroySoon?: () => void };
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    socket.once("end", () => socket.destroy());
    req.resume();
    socket.resume();
  };
}

/**
 * A Node request as the pipeline reads it (an ApiRequest): its headers as
 * Node parsed them, a signal that aborts when the client goes away, and its
 * body read straight from the socket; a Web stream of it is made only for
 * a part that asks for one (a file upload).
 */
class NodeRequest implements ApiRequest {
  readonly method: string;
  readonly pathname: string;
  readonly signal = new ClientGone();
  readonly headers: { get(name: string): string | null };
  private stream: ReadableStream<Uint8Array> | null | undefined;
  private href: string | undefined;

  constructor(
    private readonly req: IncomingMessage,
    res: ServerResponse,
  ) {
    // Throws on a Host header no URL can hold.
    const target = requestTarget(req.headers.host, req.url);
    this.pathname = target.pathname;
    this.href = target.href;
    this.method = req.method ?? "GET";
    res.on("close", () => {
      if (!res.writableFinished) this.signal.abort();
    });
    const raw = req.headers;
    this.headers = {
      get(name) {
        const v = raw[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
      },
    };
  }

  /** The whole URL, built only for a part that reads it (a list's query string). */
  get url(): string {
    this.href ??= parseTarget(this.req.headers.host, this.req.url).href;
    return this.href;
  }

  private get hasBody(): boolean {
    return this.method !== "GET" && this.method !== "HEAD";
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.stream === undefined) this.stream = this.hasBody ? bodyStream(this.req) : null;
    return this.stream;
  }

  /** Past `limit` bytes the rest is left unread: the listener drops it after the answer (see closeLingering). */
  bytes(limit: number, tooLarge: () => Error): Promise<Uint8Array> {
    const req = this.req;
    if (!this.hasBody) return Promise.resolve(new Uint8Array());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const stop = () => {
        req.off("data", onData);
        req.off("end", onEnd);
        req.off("close", onClose);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > limit) {
          stop();
          req.pause();
          reject(tooLarge());
        } else chunks.push(chunk);
      };
      const onEnd = () => {
        stop();
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      };
      const onClose = () => {
        if (req.complete) return;
        stop();
        reject(new Error("the client closed the connection during the upload"));
      };
      req.on("data", onData);
      req.once("end", onEnd);
      req.once("close", onClose);
    });
  }
}

/**
 * A Host header of a name (its last label not a number, no IDNA label) or a dotted IPv4 address, with an optional
 * port, and a path of plain segments (no dot segment, no percent-escape, no character the URL parser would
 * escape): the URL parser would accept the host and give the path back unchanged.
 */
const PLAIN_HOST =
  /^(?!.*xn--)(([A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*|(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(:(6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|\d{1,4}))?$/i;
const PLAIN_PATH = /^(\/[A-Za-z0-9_~-]+(\.[A-Za-z0-9_~-]+)*)+\/?(\?[A-Za-z0-9_~.=&+,:@!$()*/-]*)?$/;

/**
 * A request's path as the URL parser reads it, and its whole URL when it took the parser to read it; throws on a
 * Host header no URL can hold. Most requests (a plain host and path) are read without the parser.
 */
export function requestTarget(host = "localhost", target = "/"): { pathname: string; href?: string } {
  if (PLAIN_HOST.test(host) && PLAIN_PATH.test(target)) {
    const q = target.indexOf("?");
    return { pathname: q < 0 ? target : target.slice(0, q) };
  }
  const url = parseTarget(host, target);
  return { pathname: url.pathname, href: url.href };
}

/** The request's whole URL, by the URL parser (a request without a Host header is taken as one to localhost). */
function parseTarget(host = "localhost", target = "/"): URL {
  return new URL(`http://${host}${target}`);
}

/** Resolves when the client has taken what was written, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });
}

/** An answer of the API is data, never a document a browser should guess the type of. */
const NOSNIFF = "x-content-type-options";

/**
 * Write a gateway's reply to a Node response: a whole body at once, with its length; a streamed one chunk by chunk,
 * flushing each. Its headers go in one writeHead: a header set before (setHeader) would make Node take every
 * header of the answer through setHeader one by one.
 */
export async function sendReply(res: ServerResponse, reply: GatewayReply): Promise<void> {
  const body = reply.body;
  const headers = reply.headers;
  headers[NOSNIFF] = "nosniff";
  if (body === null || typeof body === "string") {
    if (body !== null) headers["content-length"] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body ?? undefined);
    return;
  }
  res.writeHead(reply.status, headers);
  const onClose = () => {
    if (!res.writableFinished) void body.cancel().catch(() => {});
  };
  res.on("close", onClose);
  try {
    for (;;) {
      const chunk = await body.next();
      if (chunk === null) break;
      if (!res.write(chunk)) await drained(res);
      if (res.destroyed) break;
    }
  } catch {
    // The body failed, or was cancelled because the client left.
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
  handle: (request: ApiRequest) => Promise<GatewayReply>,
  fallback: (req: IncomingMessage, res: ServerResponse) => void,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    if (!(url.startsWith("/v1/") || url === "/v1" || url.startsWith("/v2/"))) {
      fallback(req, res);
      return;
    }
    let request: ApiRequest;
    try {
      request = new NodeRequest(req, res);
    } catch {
      // A Host header no URL can hold.
      res.writeHead(400, { "content-type": "application/json", connection: "close", [NOSNIFF]: "nosniff" });
      res.end(JSON.stringify({ error: { message: "Invalid Host header", type: "invalid_request_error", param: null, code: "invalid_host" } }));
      return;
    }
    handle(request)
      .then((reply) => {
        // An answer given before the body was read (a 413 on its declared length) leaves the rest of
        // the upload on the socket: close it, or the client's next request on it would be reset.
        if (!req.complete) {
          res.setHeader("connection", "close");
          closeLingering(req);
        }
        return sendReply(res, reply);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json", [NOSNIFF]: "nosniff" });
        res.end(JSON.stringify({ error: { message: "Internal server error", type: "server_error", param: null, code: null } }));
      });
  };
}
