/*
 * Which origin the console is served from, and whether a request comes from
 * it. LLMAAS_PUBLIC_URL is the source of truth when set: forwarded headers
 * can be forged by any client that reaches the server directly, so they are
 * only trusted when no public URL is configured (then a proxy in front must
 * overwrite them).
 */

interface HeaderBag {
  get(name: string): string | null;
}

/** The origin ("https://llm.example.com") of a configured public URL, or undefined. */
export function configuredOrigin(publicUrl: string | undefined): string | undefined {
  if (!publicUrl) return undefined;
  return new URL(publicUrl).origin;
}

const first = (headers: HeaderBag, name: string) => headers.get(name)?.split(",")[0]?.trim() || undefined;

/** The host ("example.com:8080") a request was addressed to, through a proxy's forwarded header when there is one. */
export function requestedHost(headers: HeaderBag): string | undefined {
  return first(headers, "x-forwarded-host") ?? first(headers, "host");
}

/**
 * Whether a request was sent by a page of the console itself. Browsers send
 * Origin with every POST, PUT, PATCH and DELETE, and Sec-Fetch-Site with
 * every request; a request with neither comes from a program (curl, a
 * script), which no other web site can make a browser send with its cookies.
 */
export function isSameOrigin(headers: HeaderBag, publicUrl: string | undefined): boolean {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = headers.get("origin");
  if (origin === null) return true;
  const expected = configuredOrigin(publicUrl);
  if (expected) return origin === expected;
  // No public URL: the host the browser addressed must be the origin's host.
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false; // "null" (a sandboxed frame, a file) or garbage
  }
  return originHost === requestedHost(headers);
}

/** Methods that change nothing, which the origin check lets through. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * With a public URL, what a proxy says about the requested host and scheme is
 * replaced by the public URL's: Next.js (server actions) and Auth.js
 * (redirects, cookie names) build URLs and compare origins from these headers.
 */
export function pinForwardedHeaders(headers: Record<string, string | string[] | undefined>, publicUrl: string | undefined): void {
  if (!publicUrl) return;
  const url = new URL(publicUrl);
  headers["x-forwarded-host"] = url.host;
  headers["x-forwarded-proto"] = url.protocol.replace(/:$/, "");
  delete headers["x-forwarded-port"];
}
