import { STATUS_CODES } from "node:http";
import { Agent, type Dispatcher, fetch as undiciFetch, request } from "undici";
import { type CallSignal, abortSignalOf } from "./signal";
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
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | FormData;
    signal?: CallSignal;
    fromRoot?: boolean;
    /** The answer is read whole (a JSON answer, not a stream): its bytes are collected as they come, with no stream object. */
    buffered?: boolean;
  },
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
  let res: UpstreamResponse;
  const base = init.fromRoot ? serverRoot(backend.baseUrl) : backend.baseUrl;
  const method = (init.method ?? "GET") as Dispatcher.HttpMethod;
  try {
    const split = splitBase(base);
    if (split && init.buffered) {
      res = await dispatchBuffered(agentFor(backend), { origin: split.origin, path: split.path + path, method, headers, body }, init.signal);
    } else {
      const r = split
        ? await agentFor(backend).request({ origin: split.origin, path: split.path + path, method, headers, body, signal: abortSignalOf(init.signal) })
        : await request(joinUrl(base, path), { method, headers, body, signal: abortSignalOf(init.signal), dispatcher: agentFor(backend) });
      res = new UpstreamResponse(r.statusCode, r.headers, r.body);
    }
  } catch (err) {
    if (init.signal?.aborted) throw err;
    // The client's own message names the backend's address ("connect ECONNREFUSED 10.0.0.5:8000"): only its code goes on.
    throw new Error(describeFetchError(err), { cause: err });
  }
  return res as unknown as Response;
}

/** How much of an error answer is kept (for the log): the rest is not read. */
const ERROR_BODY_BYTES = 64 * 1024;

/**
 * A body collected chunk by chunk as the client's handler receives it, read
 * whole once it has ended: for answers read whole, it spares the Readable,
 * its events and its promises that undici's request() builds for each.
 */
class BufferedBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private cap = Number.POSITIVE_INFINITY;
  /** The rest was cut off on purpose (an error answer past what is kept): what came ends the body. */
  truncated = false;
  private controller: Dispatcher.DispatchController | null = null;
  private readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: Error) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A body nobody reads may fail unobserved.
    this.done.catch(() => {});
  }

  start(controller: Dispatcher.DispatchController, status: number): void {
    this.controller = controller;
    if (status >= 400) this.cap = ERROR_BODY_BYTES;
  }

  push(chunk: Buffer): void {
    if (this.truncated) return;
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    if (this.size >= this.cap) {
      this.truncated = true;
      this.controller?.abort(new Error("error answer cut at the part kept"));
    }
  }

  end(): void {
    this.resolve();
  }

  fail(err: Error): void {
    if (this.truncated) this.resolve();
    else this.reject(err);
  }

  /** Stop receiving (the answer is given up): a connection still receiving it is closed. */
  cancel(): void {
    if (this.controller && !this.controller.aborted) {
      this.truncated = true;
      this.controller.abort(new Error("answer given up"));
    }
    this.resolve();
  }

  async bytes(): Promise<Buffer> {
    await this.done;
    const chunks = this.chunks;
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size);
  }
}

/** One call whose answer is read whole: resolves with its status and headers, its body collected as it comes. */
function dispatchBuffered(agent: Agent, options: Dispatcher.DispatchOptions, signal?: CallSignal): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new DOMException("This operation was aborted", "AbortError"));
      return;
    }
    const body = new BufferedBody();
    let controller: Dispatcher.DispatchController | null = null;
    let answered = false;
    const onAbort = () => controller?.abort((signal!.reason as Error | undefined) ?? new DOMException("This operation was aborted", "AbortError"));
    signal?.addEventListener("abort", onAbort, { once: true });
    const finished = () => signal?.removeEventListener("abort", onAbort);
    agent.dispatch(options, {
      onRequestStart(c) {
        controller = c;
        if (signal?.aborted) onAbort();
      },
      onResponseStart(c, statusCode, headers) {
        // An informational answer (100 Continue) is not the answer.
        if (statusCode < 200 || answered) return;
        answered = true;
        body.start(c, statusCode);
        resolve(new UpstreamResponse(statusCode, headers, body));
      },
      onResponseData(_c, chunk) {
        body.push(chunk);
      },
      onResponseEnd() {
        finished();
        body.end();
      },
      onResponseError(_c, err) {
        finished();
        if (answered) body.fail(err);
        else reject(err);
      },
    });
  });
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
  private parsedHeaders: Headers | null = null;
  private stream: ReadableStream<Uint8Array> | null = null;
  bodyUsed = false;

  constructor(
    readonly status: number,
    private readonly rawHeaders: Dispatcher.ResponseData["headers"],
    /** undici's stream of the body, or the body collected whole (see dispatchBuffered). */
    private readonly raw: Dispatcher.ResponseData["body"] | BufferedBody,
  ) {}

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
    if (raw instanceof BufferedBody) {
      let read = false;
      return {
        async read() {
          if (read) return { done: true, value: undefined };
          read = true;
          const bytes = await raw.bytes();
          return bytes.byteLength > 0 ? { done: false, value: bytes } : { done: true, value: undefined };
        },
        async cancel() {
          raw.cancel();
        },
      };
    }
    const chunks = raw[Symbol.asyncIterator]();
    return {
      async read() {
        const { value, done } = await chunks.next();
        return done ? { done: true, value: undefined } : { done: false, value: value as Uint8Array };
      },
      async cancel() {
        raw.on("error", () => {});
        // All of the body has arrived (a stream read to its last event, its end not read yet): let it end. Destroyed
        // instead, it would abort a request that is already complete, at the price of an error and its stack each time.
        if ((raw as unknown as { _readableState?: { ended?: boolean } })._readableState?.ended) raw.resume();
        else raw.destroy();
      },
    };
  }

  private used(): void {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.bodyUsed = true;
  }

  async text(): Promise<string> {
    this.used();
    const raw = this.raw;
    if (!(raw instanceof BufferedBody)) return raw.text();
    const bytes = await raw.bytes();
    // As fetch's text(): a byte order mark is not part of the text.
    const bom = bytes.byteLength >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return bytes.toString("utf8", bom ? 3 : 0);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.used();
    const raw = this.raw;
    if (!(raw instanceof BufferedBody)) return raw.arrayBuffer();
    const bytes = await raw.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
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
export async function fetchBackendFile(backend: BackendConfig, url: string, maxBytes: number, signal?: CallSignal): Promise<Uint8Array | null> {
  let target: URL;
  try {
    target = new URL(url, backend.baseUrl);
  } catch {
    return null;
  }
  if (target.origin !== new URL(backend.baseUrl).origin) return null;
  const res = await undiciFetch(target, {
    headers: backend.apiKey ? { authorization: `Bearer ${backend.apiKey}` } : {},
    signal: abortSignalOf(signal),
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
