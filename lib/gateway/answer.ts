import type { Dispatched, Target } from "../backends/router";
import { AppError } from "../errors";
import { log } from "../log";
import type { Answer, Json } from "./endpoint";
import { redactSecrets, upstreamFailure } from "./scrub";

/*
 * Reading a backend's answer: its failure as the gateway's own error, its
 * JSON, its bytes, and the usage it reports.
 */

/**
 * Map an upstream error answer to the gateway's own error (see scrub.ts); the
 * full body goes to the log, secrets redacted.
 */
export async function upstreamError(d: Pick<Dispatched, "response" | "target">, logFields: Record<string, unknown> = {}): Promise<AppError> {
  const text = await readCapped(d.response, 64 * 1024);
  const secrets = [d.target.backend.apiKey];
  log.warn("backend answered an error", {
    ...logFields,
    backend: d.target.backend.name,
    status: d.response.status,
    body: redactSecrets(text, secrets).slice(0, 8000),
  });
  return upstreamFailure(d.response.status, text, secrets);
}

/** At most `limit` bytes of a body as text: an error body is read for the log, not kept whole. */
async function readCapped(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // what arrived is enough
  } finally {
    void reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

const notJson = () => new AppError(502, "server_error", "The model's backend sent an answer that is not JSON", null, "upstream_invalid");

/** A successful answer, read once; the backend's slot is freed when it has been read (or given up). */
export class BackendAnswer implements Answer {
  constructor(private readonly d: Dispatched) {}

  get target() {
    return this.d.target;
  }

  get headers() {
    return this.d.response.headers;
  }

  async json(): Promise<Json> {
    try {
      const text = await this.d.response.text();
      try {
        const body = JSON.parse(text) as unknown;
        if (body && typeof body === "object") return body as Json;
      } catch {
        // not JSON
      }
      throw notJson();
    } finally {
      this.d.release();
    }
  }

  stream(): ReadableStream<Uint8Array> {
    const d = this.d;
    const reader = d.response.body!.getReader();
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) {
            controller.close();
            d.release();
          } else controller.enqueue(value);
        } catch (err) {
          d.release();
          controller.error(err);
        }
      },
      async cancel() {
        d.release();
        await reader.cancel().catch(() => {});
      },
    });
  }

  /** The reply failed or did not read the answer: free the slot and drop what is left. */
  abandon(): void {
    this.d.release();
    if (!this.d.response.bodyUsed) void this.d.response.body?.cancel().catch(() => {});
  }
}

/** Which backend answered, as the `backend` header and field name it. */
export function backendInfo(target: Target) {
  return { engine_type: target.backend.engine, machine_name: target.backend.machineName };
}

/** Usage as the reference shows it, from whatever the engine reported. */
export function readUsage(raw: unknown): { prompt: number; completion: number; reasoning: number } | null {
  if (!raw || typeof raw !== "object") return null;
  const u = raw as Json;
  const details = (u.completion_tokens_details ?? {}) as Json;
  return {
    prompt: Number(u.prompt_tokens ?? 0) || 0,
    completion: Number(u.completion_tokens ?? 0) || 0,
    reasoning: Number(details.reasoning_tokens ?? u.reasoning_tokens ?? 0) || 0,
  };
}

export function referenceUsage(u: { prompt: number; completion: number; reasoning: number }, raw?: unknown) {
  const extra = raw && typeof raw === "object" ? (raw as Json) : {};
  return {
    ...extra,
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    reasoning_tokens: u.reasoning,
    total_tokens: u.prompt + u.completion,
  };
}

/** Rough token count for text when the engine reports none: about four characters a token. */
export const estimateTokens = (chars: number) => Math.ceil(chars / 4);
