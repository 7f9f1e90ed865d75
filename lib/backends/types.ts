import type { Backend } from "@/db/schema";
import type { CallSignal } from "./signal";

/** What routing needs to know of a backend: its row without secrets leaking further than the adapter. */
export type BackendConfig = Pick<Backend, "id" | "name" | "engine" | "baseUrl" | "apiKey" | "machineName" | "enabled" | "timeoutMs">;

/** A call the gateway wants an engine to make, in OpenAI's wire format. */
export interface UpstreamCall {
  /** OpenAI-style path below /v1, e.g. "/chat/completions". */
  path: string;
  /** JSON body, already with the engine's model name; or multipart form data. */
  body: Record<string, unknown> | FormData;
  stream: boolean;
  /** Aborts when the call is no longer wanted (the client went away). */
  signal: CallSignal;
}

/**
 * An adapter turns an OpenAI-format call into the engine's own protocol and
 * the engine's answer back into an OpenAI-format Response (JSON, or SSE when
 * streaming), so the rest of the gateway speaks one format.
 */
export interface EngineAdapter {
  call(backend: BackendConfig, call: UpstreamCall): Promise<Response>;
  /** Resolves when the engine answers its cheapest authenticated request; rejects otherwise. */
  probe(backend: BackendConfig, signal: AbortSignal): Promise<void>;
}

/** The engine could not be reached or broke before answering: another replica may be tried. */
export class UpstreamUnavailable extends Error {
  constructor(message: string, public readonly status?: number) {
    super(message);
    this.name = "UpstreamUnavailable";
  }
}
