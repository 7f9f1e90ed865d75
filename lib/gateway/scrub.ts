import { AppError } from "../errors";

/*
 * What an upstream engine says when it fails is for the operator, not the
 * client: its body may hold a stack trace, file paths, SQL, its own address
 * or the very key the gateway sent it. The client gets a message of the
 * gateway's own (a 4xx keeps a short, scrubbed summary of what the model
 * objected to); the full body goes to the log with secrets redacted.
 */

const REDACTED = "[redacted]";

/** Secrets out of a text that goes to the log: known keys, bearer tokens, key=value secrets, URL passwords. */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  return out
    .replace(/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`)
    .replace(/\b(?:sk|pk|rk|hf|gsk|xai|ghp|gho|glpat|llm)[-_][A-Za-z0-9_-]{8,}/g, REDACTED)
    .replace(/\bAKIA[A-Z0-9]{12,}/g, REDACTED)
    .replace(/((?:api[_-]?key|apikey|access[_-]?token|token|secret|password|passwd|pwd|authorization)["']?\s*[:=]\s*["']?)[^\s"',;&}]+/gi, `$1${REDACTED}`)
    .replace(/(\b[a-z][\w+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, `$1${REDACTED}@`);
}

const TRACE_LINE = /^\s*(at\s|File\s+"|Traceback\b|During handling|The above exception|\^+\s*$|~+\s*$|\.\.\.\s*$)|^\s{2,}\S/;
const SQL = /\b(select|insert|update|delete|create|drop|alter|truncate|with)\b[\s\S]*\b(from|into|set|table|where|values|index|as)\b/i;
const FORBIDDEN: RegExp[] = [
  /\b[a-z][\w+.-]*:\/\/\S*/gi, // URLs of any scheme
  /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, // IPv4 addresses
  /\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\]?(?::\d+)?/gi, // IPv6 addresses
  /\b[\w-]+(?:\.[\w-]+)*:\d{2,5}\b/g, // host:port
  /(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?/g, // file paths
  /\b[\w-]+\.(?:py|js|mjs|cjs|ts|go|rs|cpp|cc|c|h|so|java|rb)(?::\d+)*\b/g, // source files
  /\bnode_modules\b/g,
  /\b[A-Za-z0-9+/_=-]{32,}\b/g, // long opaque strings: tokens, keys, hashes
];

/**
 * A short summary of an upstream error message that is safe to show a
 * client: the first sentence of the message proper (past any stack trace),
 * with secrets, addresses, paths and SQL removed. Null when nothing safe is left.
 */
export function safeSummary(message: string, secrets: readonly (string | null | undefined)[] = []): string | null {
  const lines = redactSecrets(message, secrets)
    .split(/\r?\n/)
    .filter((l) => l.trim() && !TRACE_LINE.test(l));
  // Trace lines are gone: what is left first is the message (or a Python trace's exception line).
  const line = lines[0];
  if (!line) return null;
  let text = line.trim().replace(/^[\w.]*(?:Error|Exception)\s*:\s*/, "");
  const sentence = /^(.+?[.!?])(?:\s|$)/.exec(text);
  if (sentence) text = sentence[1]!;
  const sql = SQL.exec(text);
  if (sql) text = text.slice(0, sql.index);
  text = text.split(REDACTED).join("");
  for (const pattern of FORBIDDEN) text = text.replace(pattern, "");
  text = text
    .replace(/\(\s*\)|\[\s*\]|"\s*"|'\s*'/g, "")
    .replace(/\s+([,.:;!?])/g, "$1")
    .replace(/\s{2,}/g, " ")
    .replace(/[\s,:;(-]+$/, "")
    .trim();
  if (text.length > 200) text = `${text.slice(0, 197).trimEnd()}…`;
  return /[A-Za-z]{2,}/.test(text) ? text : null;
}

type Json = Record<string, unknown>;

/** The message, code and param an error body carries, in OpenAI's, FastAPI's or plain-text shape. */
export function parseErrorBody(text: string): { message: string; code: string | null; param: string | null } {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === "object") {
      const b = body as Json;
      const err = (typeof b.error === "object" && b.error ? b.error : b) as Json;
      const raw = err.message ?? err.detail ?? (typeof b.error === "string" ? b.error : undefined);
      const message = typeof raw === "string" ? raw : raw === undefined ? "" : JSON.stringify(raw);
      const word = (v: unknown) => (typeof v === "string" && /^[A-Za-z_][\w.[\]-]{0,63}$/.test(v) ? v : null);
      return { message, code: word(err.code), param: word(err.param) };
    }
  } catch {
    // plain text
  }
  return { message: text, code: null, param: null };
}

/**
 * The gateway's own error for an upstream's failed answer: 4xx as
 * invalid_request_error with a scrubbed summary, 429 and 503 as 503,
 * credentials and missing models as 502, every other 5xx as 502.
 */
export function upstreamFailure(status: number, text: string, secrets: readonly (string | null | undefined)[] = []): AppError {
  if (status === 429 || status === 503) {
    return new AppError(503, "service_unavailable_error", "The model's backend is overloaded; try again shortly", null, "upstream_overloaded");
  }
  if (status === 401 || status === 403) {
    return new AppError(502, "server_error", "The model's backend refused the gateway's credentials", null, "upstream_auth");
  }
  if (status === 404) return new AppError(502, "server_error", "The model is not loaded on its backend", null, "upstream_model_missing");
  if (status >= 500 || status < 400) {
    return new AppError(502, "server_error", "The model's backend failed to answer the request", null, "upstream_error");
  }
  const { message, code, param } = parseErrorBody(text);
  const summary = safeSummary(message, secrets);
  const said = summary ? `The model rejected the request: ${summary}` : "The model rejected the request";
  return new AppError(status === 413 ? 413 : 400, "invalid_request_error", said, param, code);
}
