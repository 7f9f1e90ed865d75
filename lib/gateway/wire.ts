/*
 * What goes into the pipeline and what comes out, whoever carries it. A Web
 * Request is an ApiRequest, and handle() answers with a Web Response (the
 * console, `next dev`, batch lines); the production listener (node.ts) reads
 * Node's request as it is and writes the GatewayReply straight to the socket,
 * so the hot path builds no Web Request, Response or body stream it does not
 * need (on Node 20 each of those costs more than the rest of a request's work).
 */

import type { CallSignal } from "../backends/signal";

/** The parts of a request the pipeline reads. */
export interface ApiRequest {
  readonly method: string;
  /** Absolute and normalised, as a Web Request's. */
  readonly url: string;
  /** The URL's path, where the carrier has it parsed already. */
  readonly pathname?: string;
  readonly headers: { get(name: string): string | null };
  /** Aborts when the client goes away. */
  readonly signal: CallSignal;
  readonly body: ReadableStream<Uint8Array> | null;
  /** The whole body when it is at most `limit` bytes (else a 413), read without a Web stream where the carrier can. */
  bytes?(limit: number, tooLarge: () => Error): Promise<Uint8Array>;
}

/** A body sent as it comes: `next` resolves to null at its end; `cancel` when the client has gone. */
export interface ChunkSource {
  next(): Promise<Uint8Array | null>;
  cancel(): Promise<void>;
}

/** An answer before it is a Web Response. */
export interface GatewayReply {
  status: number;
  headers: Record<string, string>;
  body: string | ChunkSource | null;
}

/** A Web stream's chunks as a ChunkSource. */
export function chunksOf(stream: ReadableStream<Uint8Array>): ChunkSource {
  const reader = stream.getReader();
  return {
    async next() {
      const { value, done } = await reader.read();
      return done ? null : value;
    },
    cancel: () => reader.cancel(),
  };
}

/** A ChunkSource as a Web stream. */
export function streamOf(source: ChunkSource): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await source.next();
      if (chunk === null) controller.close();
      else controller.enqueue(chunk);
    },
    cancel: () => source.cancel(),
  });
}

export function replyOf(response: Response): GatewayReply {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { status: response.status, headers, body: response.body ? chunksOf(response.body) : null };
}

export function toResponse(reply: GatewayReply): Response {
  const body = reply.body === null || typeof reply.body === "string" ? reply.body : streamOf(reply.body);
  return new Response(body, { status: reply.status, headers: reply.headers });
}
