import { STATUS_CODES } from "node:http";
import { Agent, type Dispatcher, fetch as undiciFetch, request } from "undici";
import type { BackendConfig } from "./types";

/*
 * One keep-alive connection pool per backend, with that backend's timeout as
 * the limit on waiting for headers and on silence between body chunks (a
 * stream that keeps producing is never cut).
 */
const holder = globalThis as unknown as { __llmaasAgents?: Map<string, { agent: Agent; key: string }> };
const agents = (holder.__llmaasAgents ??= new Map());
/** Each base URL's origin and path, parsed once rather than on every call. */
const bases = new Map<string, { origin: string; path: string } | null>();

function splitBase(url: string): { origin: string; path: string } | null {
  let parsed = bases.get(url);
  if (parsed === undefined) {
    const u = new URL(url);
    // Credentials or a query in the base: left to undici's own parsing of the whole URL.
    parsed = u.username || u.password || u.search || u.hash ? null : { origin: u.origin, path: u.pathname.replace(/\/+$/, "") };
    if (bases.size > 1_000) bases.clear();
    bases.set(url, parsed);
  }
  return parsed;
}

function agentFor(backend: BackendConfig): Agent {
  const key = `${backend.baseUrl}|${backend.timeoutMs}`;
  const existing = agents.get(backend.id);
  if (existing && existing.key === key) return existing.agent;
  existing?.agent.close().catch(() => {});
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: 256,
    headersTimeout: backend.timeoutMs,
    bodyTimeout: backend.timeoutMs,
    connect: { timeout: Math.min(10_000, backend.timeoutMs) },
  });
  agents.set(backend.id, { agent, key });
  return agent;
}

export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/** The server's own root, for an engine's native routes beside its OpenAI ones: "http://h:8080/v1" → "http://h:8080". */
export const serverRoot = (baseUrl: string) => baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");

export async function backendFetch(
  backend: BackendConfig,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | FormData; signal?: AbortSignal; fromRoot?: boolean },
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (backend.apiKey) headers.authorization = `Bearer ${backend.apiKey}`;
  let body: string | Uint8Array | undefined;
  if (init.body instanceof FormData) {
    // Encoded here: undici's client takes bytes, not the runtime's own FormData.
    const encoded = new Response(init.body);
    headers["content-type"] = encoded.headers.get("content-type")!;
    body = new Uint8Array(await encoded.arrayBuffer());
  } else body = init.body;
  let res: Dispatcher.ResponseData;
  const base = init.fromRoot ? serverRoot(backend.baseUrl) : backend.baseUrl;
  const method = (init.method ?? "GET") as Dispatcher.HttpMethod;
  try {
    const split = splitBase(base);
    res = split
      ? await agentFor(backend).request({ origin: split.origin, path: split.path + path, method, headers, body, signal: init.signal })
      : await request(joinUrl(base, path), { method, headers, body, signal: init.signal, dispatcher: agentFor(backend) });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    // The client's own message names the backend's address ("connect ECONNREFUSED 10.0.0.5:8000"): only its code goes on.
    throw new Error(describeFetchError(err), { cause: err });
  }
  return new UpstreamResponse(res) as unknown as Response;
}

/** What went wrong calling a backend, without its address: the error's code where it has one. */
export function describeFetchError(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? "connection failed";
}

/**
 * A backend's answer as the gateway reads it: the part of the fetch Response
 * it uses, over undici's plain client, which costs a fraction of its fetch
 * (no Request object, no web-stream body unless one is asked for). The body
 * is read whole with text()/json(), or as a stream that pulls from the socket
 * only as fast as it is read.
 */
class UpstreamResponse {
  readonly status: number;
  private readonly raw: Dispatcher.ResponseData["body"];
  private rawHeaders: Dispatcher.ResponseData["headers"];
  private parsedHeaders: Headers | null = null;
  private stream: ReadableStream<Uint8Array> | null = null;
  bodyUsed = false;

  constructor(res: Dispatcher.ResponseData) {
    this.status = res.statusCode;
    this.raw = res.body;
    this.rawHeaders = res.headers;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get statusText(): string {
    return STATUS_CODES[this.status] ?? "";
  }

  get headers(): Headers {
    if (!this.parsedHeaders) {
      const h = new Headers();
      for (const [name, value] of Object.entries(this.rawHeaders)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) h.append(name, v);
        else h.set(name, value);
      }
      this.parsedHeaders = h;
    }
    return this.parsedHeaders;
  }

  get body(): ReadableStream<Uint8Array> {
    if (!this.stream) {
      this.bodyUsed = true;
      const reader = this.chunks();
      this.stream = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            const { value, done } = await reader.read();
            if (done) controller.close();
            else controller.enqueue(value);
          },
          cancel: () => reader.cancel(),
        },
        { highWaterMark: 0 },
      );
    }
    return this.stream;
  }

  /** The body's chunks as they arrive, with no Web stream in between (see bodyReader). */
  reader(): BodyReader {
    this.used();
    return this.chunks();
  }

  private chunks(): BodyReader {
    const raw = this.raw;
    const chunks = raw[Symbol.asyncIterator]();
    return {
      async read() {
        const { value, done } = await chunks.next();
        return done ? { done: true, value: undefined } : { done: false, value: value as Uint8Array };
      },
      async cancel() {
        raw.on("error", () => {});
        raw.destroy();
      },
    };
  }

  private used(): void {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.bodyUsed = true;
  }

  async text(): Promise<string> {
    this.used();
    return this.raw.text();
  }

  async json(): Promise<unknown> {
    this.used();
    return JSON.parse(await this.raw.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.used();
    return this.raw.arrayBuffer();
  }
}

/** A response body read chunk by chunk (what a stream's relay needs of it). */
export interface BodyReader {
  read(): Promise<{ done: false; value: Uint8Array } | { done: true; value: undefined }>;
  cancel(): Promise<void>;
}

/**
 * A response's body, chunk by chunk: straight from the backend client's own
 * stream for a backend's answer (a Web stream in between costs every chunk
 * several promises), through its Web stream for any other Response.
 */
export function bodyReader(res: Response): BodyReader {
  if ((res as unknown) instanceof UpstreamResponse) return (res as unknown as UpstreamResponse).reader();
  const reader = res.body!.getReader();
  return {
    read: async () => {
      const r = await reader.read();
      return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
    },
    cancel: () => reader.cancel(),
  };
}

/**
 * A file the backend links to in an answer (a generated image), read with the
 * backend's credentials. Only on the backend's own origin: an answer cannot
 * make the gateway fetch anything else. Null when it is not there or is
 * larger than `maxBytes` (read no further than that).
 */
export async function fetchBackendFile(backend: BackendConfig, url: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | null> {
  let target: URL;
  try {
    target = new URL(url, backend.baseUrl);
  } catch {
    return null;
  }
  if (target.origin !== new URL(backend.baseUrl).origin) return null;
  const res = await undiciFetch(target, {
    headers: backend.apiKey ? { authorization: `Bearer ${backend.apiKey}` } : {},
    signal,
    dispatcher: agentFor(backend),
  });
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (!res.ok || !res.body || declared > maxBytes) {
    await res.body?.cancel();
    return null;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > maxBytes) return null; // leaving the loop cancels the rest of the body
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A small error answer read whole, so it can still be returned after another call was made. */
export async function keep(res: Response): Promise<Response> {
  const text = await res.text().catch(() => "");
  return new Response(text, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
}

export async function closeAgents(): Promise<void> {
  await Promise.all([...agents.values()].map(({ agent }) => agent.close().catch(() => {})));
  agents.clear();
}
