import { describe, expect, it } from "vitest";
import { parseErrorBody, redactSecrets, safeSummary, upstreamFailure } from "./scrub";

const KEY = "upstream-secret-key-4f9a8b7c6d5e";

/** What a failing engine can answer: a trace, paths, SQL, its address and the key it was sent. */
const NASTY = [
  "Input validation error: temperature must be positive. See http://10.0.0.7:8000/docs for details.",
  "Traceback (most recent call last):",
  '  File "/opt/vllm/entrypoints/openai/serving_chat.py", line 211, in create_chat_completion',
  "    raise ValueError(msg)",
  `psycopg2.errors.UndefinedTable: relation "secrets" does not exist: SELECT api_key FROM secrets WHERE key = '${KEY}'`,
  "    at Object.<anonymous> (/srv/app/node_modules/engine/index.js:12:7)",
  `Authorization: Bearer ${KEY}`,
].join("\n");

const LEAKS = [KEY, "10.0.0.7", "8000", "/opt/vllm", "serving_chat.py", "node_modules", "SELECT", "secrets", "Traceback", "index.js", "Bearer"];

describe("scrubbing upstream errors", () => {
  it("keeps the first sentence of a plain message", () => {
    expect(safeSummary("This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.")).toBe(
      "This model's maximum context length is 4096 tokens.",
    );
  });

  it("removes addresses, paths, SQL, traces and secrets", () => {
    const s = safeSummary(NASTY, [KEY])!;
    expect(s).toBe("Input validation error: temperature must be positive.");
    for (const leak of LEAKS) expect(s).not.toContain(leak);
  });

  it("takes a Python trace's exception line, without its class or SQL", () => {
    const trace = ["Traceback (most recent call last):", '  File "/x/y.py", line 1, in f', "    f()", "ValueError: prompt is empty"].join("\n");
    expect(safeSummary(trace)).toBe("prompt is empty");
    expect(safeSummary(`relation "t" does not exist: SELECT * FROM t WHERE id = 1`)).toBe('relation "t" does not exist');
  });

  it("says nothing when nothing safe is left", () => {
    expect(safeSummary("http://gpu-7.internal:8000/v1/chat/completions")).toBeNull();
    expect(safeSummary(`${KEY}`, [KEY])).toBeNull();
    expect(safeSummary("")).toBeNull();
  });

  it("shortens long messages", () => {
    expect(safeSummary("word ".repeat(200))!.length).toBeLessThanOrEqual(200);
  });

  it("redacts secrets for the log but keeps the rest", () => {
    const r = redactSecrets(`${NASTY}\npostgres://app:hunter2@db:5432/x api_key=abc123 sk-proj-abcdefghijkl`, [KEY]);
    expect(r).not.toContain(KEY);
    expect(r).not.toContain("hunter2");
    expect(r).not.toContain("abc123");
    expect(r).not.toContain("sk-proj-abcdefghijkl");
    expect(r).toContain("serving_chat.py");
  });

  it("reads OpenAI, FastAPI and plain-text error bodies", () => {
    expect(parseErrorBody('{"error":{"message":"bad","code":"context_length_exceeded","param":"messages"}}')).toEqual({
      message: "bad",
      code: "context_length_exceeded",
      param: "messages",
    });
    expect(parseErrorBody('{"detail":"nope"}').message).toBe("nope");
    expect(parseErrorBody('{"error":{"message":"x","code":"http://h:1/"}}').code).toBeNull();
    expect(parseErrorBody("plain words").message).toBe("plain words");
  });

  it("keeps the status class: 4xx as invalid_request_error, 5xx as 502 or 503", () => {
    const rejected = upstreamFailure(400, JSON.stringify({ error: { message: NASTY } }), [KEY]);
    expect(rejected.status).toBe(400);
    expect(rejected.type).toBe("invalid_request_error");
    expect(rejected.message).toBe("The model rejected the request: Input validation error: temperature must be positive.");
    const failed = upstreamFailure(500, NASTY, [KEY]);
    expect([failed.status, failed.type, failed.code]).toEqual([502, "server_error", "upstream_error"]);
    expect(failed.message).not.toMatch(/Traceback|SELECT|node_modules/);
    expect(upstreamFailure(503, NASTY).status).toBe(503);
    expect(upstreamFailure(429, "").status).toBe(503);
    expect(upstreamFailure(413, "too big").status).toBe(413);
    for (const e of [rejected, failed]) for (const leak of LEAKS) expect(JSON.stringify(e.toJSON())).not.toContain(leak);
  });
});
