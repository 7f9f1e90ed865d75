/*
 * The security headers of the console's answers. Framework-free so that
 * proxy.ts (pages and /api), next.config.ts (static files) and the gateway
 * (/v1, /v2) share one definition.
 */

/** Headers every answer carries, whatever serves it. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
};

/** Pages that may use the microphone (the transcription page records from it). */
const MICROPHONE_PAGES = ["/transcribe"];

export interface PageHeaderOptions {
  /** The request's path, which decides what the page may use. */
  path: string;
  /** A fresh random value per response; Next.js puts it on the scripts it renders. */
  nonce: string;
  /** Whether the console is served over https (LLMAAS_PUBLIC_URL starts with https). */
  https: boolean;
  /** Development server: React's debugging needs eval. */
  dev?: boolean;
  /** Chat messages may show images from other sites (LLMAAS_ALLOW_REMOTE_IMAGES). */
  remoteImages?: boolean;
}

export function permissionsPolicy(path: string): string {
  const microphone = MICROPHONE_PAGES.some((p) => path === p || path.startsWith(`${p}/`)) ? "(self)" : "()";
  return `camera=(), microphone=${microphone}, geolocation=(), payment=(), usb=()`;
}

/** The Content-Security-Policy of a page: its own scripts (by nonce), styles, data: and blob: media, nothing else. */
export function pageCsp({ nonce, https, dev = false, remoteImages = false }: Omit<PageHeaderOptions, "path">): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React sets style attributes (charts, sizes); no script can run through them.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${remoteImages ? " https:" : ""}`,
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** An API answer (JSON, audio) is never a document: it may load nothing and be framed nowhere. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export const HSTS = "max-age=31536000; includeSubDomains";

export function pageHeaders(options: PageHeaderOptions): Record<string, string> {
  return {
    ...BASE_HEADERS,
    "content-security-policy": pageCsp(options),
    "permissions-policy": permissionsPolicy(options.path),
    "cross-origin-opener-policy": "same-origin",
    ...(options.https ? { "strict-transport-security": HSTS } : {}),
  };
}

export function apiHeaders({ https }: { https: boolean }): Record<string, string> {
  return {
    ...BASE_HEADERS,
    "content-security-policy": API_CSP,
    "permissions-policy": permissionsPolicy("/api"),
    ...(https ? { "strict-transport-security": HSTS } : {}),
  };
}
