import { z } from "zod";
import { AppError, badRequest } from "../errors";
import type { ApiRequest } from "./wire";

async function readLimited(request: ApiRequest, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (request.bytes) return request.bytes(limit, () => tooLarge(limit));
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

const tooLarge = (limit: number) =>
  new AppError(413, "invalid_request_error", `Request body too large: the limit is ${limit} bytes`, null, "request_too_large");

const utf8 = new TextDecoder();

/** Deeper than any real request (tool schemas included); deep enough bodies would break serialisation further on. */
export const MAX_JSON_DEPTH = 64;

/** Whether a parsed JSON value nests objects and arrays deeper than `max`; walked without recursion. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** The request's JSON object, within the size limit, with OpenAI-style errors for everything else. */
export async function readJsonBody(request: ApiRequest, limit: number): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw badRequest(
      `Unsupported content type '${type || "(none)"}': send the body as JSON with 'Content-Type: application/json'`,
      null,
      "unsupported_content_type",
    );
  }
  const bytes = await readLimited(request, limit);
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw badRequest("We could not parse the JSON body of your request: it is not valid JSON", null, "invalid_json");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("The JSON body of your request must be an object", null, "invalid_json");
  }
  if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) {
    throw badRequest(`The JSON body of your request is nested too deeply: at most ${MAX_JSON_DEPTH} levels are allowed`, null, "invalid_json");
  }
  return value as Record<string, unknown>;
}

/** Multipart form data within the size limit. */
export async function readFormBody(request: ApiRequest, limit: number): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw badRequest(`Unsupported content type '${type || "(none)"}': send the file as multipart/form-data`, null, "unsupported_content_type");
  }
  const bytes = await readLimited(request, limit);
  try {
    return await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": type } }).formData();
  } catch {
    throw badRequest("We could not parse the multipart body of your request", null, "invalid_multipart");
  }
}

/** "messages.0.content" → "messages[0].content", as OpenAI names nested parameters. */
export function paramName(path: PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

/** Validate with zod; the first problem becomes "Invalid parameter 'x': …" with param set. */
export function validate<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const param = paramName(issue.path);
  if (issue.message === "required") {
    throw badRequest(`Missing required parameter: '${param}'`, param, "missing_required_parameter");
  }
  throw badRequest(param ? `Invalid parameter '${param}': ${issue.message}` : issue.message, param || null, "invalid_parameter");
}
