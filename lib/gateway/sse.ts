import { type EventSourceMessage, createParser } from "eventsource-parser";
import { bodyReader } from "../backends/http";
import type { Dispatched, Target } from "../backends/router";
import { AppError } from "../errors";
import { errorFields, log } from "../log";
import { estimateTokens, readUsage, referenceUsage } from "./answer";
import type { RequestContext } from "./context";
import type { Json, StreamSpec } from "./endpoint";
import { redactSecrets, upstreamFailure } from "./scrub";
import type { GatewayReply } from "./wire";

/*
 * The relay of a streamed answer. The backend's bytes are parsed into events,
 * and each event goes through a chain of small transforms, in order:
 *
 *   parse (SSE, JSON) → scrub (an error event ends the stream) → usage tap
 *   (tokens as they pass, the backend's usage) → rewrite (ids, model name) → frame
 *
 * A transform is a plain function of one event: it passes it on (changed or
 * not), drops it, or ends the stream. Events pass every transform at once, with
 * no promise between them, and the frames of one network read go to the client
 * as one write.
 *
 * The end of a stream has one owner (StreamEnd): the backend's [DONE], a
 * backend that stops or sends an error, a client that goes away (or is cut at
 * shutdown) all end it there, once; the request is settled for the tokens that
 * passed, before the client sees the end of its stream.
 */

/** One event of the backend's stream. */
export interface StreamEvent {
  /** The data as the backend sent it, rewritten as text unless a transform changed `json`. */
  data: string;
  json: Json;
  /** A transform changed `json`: the event is serialised again. */
  changed: boolean;
}

/** How a stream ended, as its request is recorded. */
type Outcome = { status: 200; code: null } | { status: 502; code: "upstream_error" | "upstream_disconnected" } | { status: 499; code: "client_closed_request" };

const COMPLETE: Outcome = { status: 200, code: null };
const UPSTREAM_ERROR: Outcome = { status: 502, code: "upstream_error" };
const DISCONNECTED: Outcome = { status: 502, code: "upstream_disconnected" };
const CLIENT_LEFT: Outcome = { status: 499, code: "client_closed_request" };

/** What a transform may do besides passing the event on. */
export interface StreamControl {
  /** End the stream with this last event (an error the client should see). */
  fail(data: string): void;
}

export type Transform = (event: StreamEvent, control: StreamControl) => StreamEvent | null;

const frame = (data: string) => `data: ${data}\n\n`;

/** An error event from the backend ends the stream with the gateway's own error (see scrub.ts), the body logged. */
export function scrubErrors(target: Target, logFields: Record<string, unknown>): Transform {
  return (event, control) => {
    if (!event.json.error) return event;
    const secrets = [target.backend.apiKey];
    log.warn("backend failed in the middle of a stream", { ...logFields, backend: target.backend.name, body: redactSecrets(event.data, secrets).slice(0, 8000) });
    control.fail(JSON.stringify(upstreamFailure(502, event.data, secrets).toJSON()));
    return null;
  };
}

/**
 * Counts what passes: a token for each event that carries generated text
 * (so a stream cut short bills what was sent), the first token's time, the
 * end of every choice, and the backend's own usage when it reports it.
 * The gateway always asks for usage; the client sees it only when it asked.
 */
export class UsageTap {
  deltas = 0;
  finished = false;
  private usageSeen = false;

  constructor(
    private readonly ctx: RequestContext,
    private readonly clientWantsUsage: boolean,
  ) {}

  readonly transform: Transform = (event) => {
    const ctx = this.ctx;
    const json = event.json;
    const choices = Array.isArray(json.choices) ? (json.choices as Json[]) : [];
    for (const c of choices) {
      const delta = (c.delta ?? {}) as Json;
      if (delta.content || delta.reasoning_content || delta.reasoning || delta.tool_calls || c.text) {
        ctx.progress.completionTokens = ++this.deltas;
        ctx.firstToken();
      }
      if (c.finish_reason) this.finished = true;
    }
    const usage = readUsage(json.usage);
    if (!usage) return event;
    this.usageSeen = true;
    ctx.usage.promptTokens = usage.prompt;
    ctx.usage.completionTokens = usage.completion;
    ctx.usage.reasoningTokens = usage.reasoning;
    if (choices.length === 0 && !this.clientWantsUsage) return null;
    if (this.clientWantsUsage) json.usage = referenceUsage(usage, json.usage);
    else delete json.usage;
    event.changed = true;
    return event;
  };

  /** Without usage from the backend (cut short, or not reported): what was delivered, estimated. */
  settle(promptTokens: number): void {
    if (this.usageSeen) return;
    this.ctx.usage.promptTokens = promptTokens;
    this.ctx.usage.completionTokens = this.deltas;
    this.ctx.usage.estimated = true;
  }
}

/**
 * The gateway's request id and the public model name in place of the
 * backend's. An unchanged event is rewritten as text, without parsing it again.
 */
export function rewriteIds(requestId: string, upstreamModel: string, publicModel: string): Transform {
  let idFrom: string | null = null;
  const idTo = `"id":"${requestId}"`;
  const modelFrom = `"model":${JSON.stringify(upstreamModel)}`;
  const modelTo = `"model":${JSON.stringify(publicModel)}`;
  const renames = upstreamModel !== publicModel;
  return (event) => {
    if (idFrom === null && typeof event.json.id === "string") idFrom = `"id":"${event.json.id}"`;
    if (event.changed) {
      event.json.id = requestId;
      event.json.model = publicModel;
      event.data = JSON.stringify(event.json);
      event.changed = false;
      return event;
    }
    if (idFrom) event.data = event.data.replaceAll(idFrom, idTo);
    if (renames) event.data = event.data.replaceAll(modelFrom, modelTo);
    return event;
  };
}

/** The one place a stream ends: the first ending wins, later ones (a client leaving after the backend failed) change nothing. */
class StreamEnd {
  private ending: Promise<void> | null = null;

  constructor(
    private readonly onEnd: (outcome: Outcome) => Promise<void>,
    private readonly logFields: Record<string, unknown>,
  ) {}

  get ended(): boolean {
    return this.ending !== null;
  }

  end(outcome: Outcome): Promise<void> {
    if (this.ending) return this.ending;
    // Taken before the work starts: ending aborts the backend's call, whose listener ends again.
    let resolve!: () => void;
    this.ending = new Promise<void>((r) => (resolve = r));
    this.onEnd(outcome)
      .catch((err) => log.error("recording a stream failed", { ...this.logFields, ...errorFields(err) }))
      .finally(resolve);
    return this.ending;
  }
}

const encoder = new TextEncoder();

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" };

/**
 * Relay a backend's SSE stream to the client as it arrives, through the
 * transforms above. `upstream` aborts the backend's call; it aborts when the
 * client goes away.
 */
export function relayStream(ctx: RequestContext, d: Dispatched, spec: StreamSpec & { promptTokens: number }, upstream: AbortController): GatewayReply {
  ctx.streamed = true;
  const reader = bodyReader(d.response);
  const tap = new UsageTap(ctx, spec.clientWantsUsage);
  const transforms = [scrubErrors(d.target, ctx.logFields()), tap.transform, rewriteIds(ctx.requestId, d.target.upstreamId, spec.publicModel)];

  const end = new StreamEnd(async (outcome) => {
    if (outcome === CLIENT_LEFT) {
      ctx.clientAborted = true;
      upstream.abort();
    }
    void reader.cancel().catch(() => {});
    d.release();
    tap.settle(spec.promptTokens);
    await ctx.finish(outcome.status, outcome.code);
  }, ctx.logFields());

  // What the current network read produced, sent as one chunk; and how the stream ends, once known.
  let out = "";
  let closing: Outcome | null = null;
  const control: StreamControl = {
    fail(data) {
      out += frame(data);
      closing = UPSTREAM_ERROR;
    },
  };
  const onEvent = ({ data }: EventSourceMessage) => {
    if (closing) return;
    if (data === "[DONE]") {
      closing = COMPLETE;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return; // not JSON (a comment or keep-alive): nothing to relay
    }
    if (!json || typeof json !== "object") return;
    let event: StreamEvent | null = { data, json: json as Json, changed: false };
    for (const transform of transforms) {
      event = transform(event, control);
      if (!event) return;
    }
    out += frame(event.data);
  };
  const parser = createParser({ onEvent });
  const decoder = new TextDecoder();

  /** The next chunk for the client: what the next network read(s) produced; null once the stream has ended. */
  const next = async (): Promise<Uint8Array | null> => {
    if (end.ended) return null;
    try {
      while (!out && !closing) {
        const { value, done } = await reader.read();
        if (done) {
          if (!tap.finished) throw new Error("stream ended early");
          closing = COMPLETE;
          break;
        }
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      if (end.ended || upstream.signal.aborted || ctx.request.signal.aborted) {
        await end.end(CLIENT_LEFT);
        return null;
      }
      const err = new AppError(502, "server_error", "The model's backend stopped responding in the middle of the answer", null, "upstream_disconnected");
      out += frame(JSON.stringify(err.toJSON()));
      closing = DISCONNECTED;
    }
    const last = closing as Outcome | null;
    if (last === COMPLETE) out += frame("[DONE]");
    const chunk = out ? encoder.encode(out) : null;
    out = "";
    // Settled before the client sees the end of its stream, as a non-streamed answer is: a client
    // that saw the end of its stream was billed, even if this instance dies the next moment.
    if (last) await end.end(last);
    return chunk;
  };

  // The client went away (or was cut at shutdown): stop the backend at once and bill what was generated.
  upstream.signal.addEventListener("abort", () => void end.end(CLIENT_LEFT), { once: true });
  if (upstream.signal.aborted) void end.end(CLIENT_LEFT);

  return { status: 200, headers: { ...SSE_HEADERS }, body: { next, cancel: () => end.end(CLIENT_LEFT) } };
}
