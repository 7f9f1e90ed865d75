/*
 * Cross-origin access to the API, as OpenAI's API allows it: browser apps
 * calling the gateway with a Bearer key (the openai SDK's dangerouslyAllowBrowser)
 * get their preflight answered and may read the id, backend and rate-limit
 * headers. Keys travel in a header, never in cookies, so allowing any origin
 * exposes nothing a page could not already send; LLMAAS_CORS_ORIGINS narrows it.
 */

import type { ApiRequest } from "./wire";

/** "*" (any origin), a list of exact origins, or null (no cross-origin access). */
export type CorsPolicy = "*" | readonly string[] | null;

const EXPOSED = [
  "id",
  "x-request-id",
  "backend",
  "retry-after",
  ...["requests", "tokens", "tokens-day"].flatMap((w) => ["limit", "remaining", "reset"].map((p) => `x-ratelimit-${p}-${w}`)),
].join(", ");

/** Read the setting: `*`, `none`, or comma-separated origins such as `https://app.example.com`. */
export function parseCorsOrigins(value: string): CorsPolicy {
  const v = value.trim();
  if (v === "*") return "*";
  if (v === "" || v.toLowerCase() === "none") return null;
  return v
    .split(",")
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}

/** The headers an answer to a request from `origin` carries; none when the origin is not allowed. */
export function corsHeaders(policy: CorsPolicy, origin: string | null): Record<string, string> {
  if (!policy || !origin) return {};
  if (policy === "*") return { "access-control-allow-origin": "*", "access-control-expose-headers": EXPOSED };
  if (!policy.includes(origin)) return {};
  return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSED, vary: "Origin" };
}

/** The answer to a preflight (OPTIONS) request: what a browser may send, cached for a day. */
export function preflight(policy: CorsPolicy, request: ApiRequest): Response {
  const allowed = corsHeaders(policy, request.headers.get("origin"));
  if (!allowed["access-control-allow-origin"]) return new Response(null, { status: 204, headers: { allow: "GET, POST, OPTIONS" } });
  const { "access-control-expose-headers": _exposed, ...headers } = allowed;
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      allow: "GET, POST, OPTIONS",
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": request.headers.get("access-control-request-headers") || "authorization, content-type",
      "access-control-max-age": "86400",
    },
  });
}
