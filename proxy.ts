import { NextResponse, type NextRequest } from "next/server";
import { auth } from "@/auth";
import { REQUESTED_PATH_HEADER } from "@/lib/callback-path";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { apiHeaders, pageHeaders } from "@/lib/security/headers";
import { SAFE_METHODS, isSameOrigin } from "@/lib/security/origin";

/*
 * Runs before every console page and /api request (not /v1 or /v2, which
 * server.ts hands to the gateway directly):
 * - refuses state-changing requests from other origins (server actions, the
 *   sign-in endpoints; console API routes check it in lib/console/route.ts),
 * - renews the session cookie, so a session ends after a time of inactivity
 *   rather than a fixed time after sign-in,
 * - sets the security headers, with a fresh script nonce for each page,
 * - tells server components which page was asked for (layouts are not told;
 *   the console layout needs it to come back there after sign-in).
 */

function settings() {
  const { LLMAAS_PUBLIC_URL, LLMAAS_ALLOW_REMOTE_IMAGES, NODE_ENV } = env();
  return {
    publicUrl: LLMAAS_PUBLIC_URL,
    https: LLMAAS_PUBLIC_URL?.startsWith("https:") ?? false,
    remoteImages: LLMAAS_ALLOW_REMOTE_IMAGES,
    dev: NODE_ENV === "development",
  };
}

function refused(request: NextRequest, isApi: boolean, https: boolean) {
  log.warn("cross-origin request refused", {
    method: request.method,
    path: request.nextUrl.pathname,
    origin: request.headers.get("origin"),
    site: request.headers.get("sec-fetch-site"),
  });
  const body = { error: { message: "This request did not come from the console's own pages", type: "permission_error", param: null, code: "cross_origin_request" } };
  return NextResponse.json(body, { status: 403, headers: isApi ? apiHeaders({ https }) : pageHeaders({ path: "/", nonce: "", https }) });
}

type Middleware = (request: NextRequest) => Promise<NextResponse>;

/*
 * Auth.js's middleware form: reads the session (running the jwt callback,
 * which ends stale sessions) and appends the renewed cookie to the answer.
 * With a lazily built configuration, auth(handler) resolves to the middleware.
 */
const withSession: Promise<Middleware> = Promise.resolve(auth((request) => handle(request))) as unknown as Promise<Middleware>;

async function handle(request: NextRequest): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  const { https, remoteImages, dev } = settings();
  if (pathname.startsWith("/api/")) {
    const response = NextResponse.next();
    for (const [name, value] of Object.entries(apiHeaders({ https }))) response.headers.set(name, value);
    return response;
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const security = pageHeaders({ path: pathname, nonce, https, dev, remoteImages });
  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, `${pathname}${search}`);
  // Next.js reads the nonce from the request's policy and puts it on every script it renders.
  headers.set("content-security-policy", security["content-security-policy"]!);
  const response = NextResponse.next({ request: { headers } });
  for (const [name, value] of Object.entries(security)) response.headers.set(name, value);
  return response;
}

export async function proxy(request: NextRequest) {
  const { publicUrl, https } = settings();
  const { pathname } = request.nextUrl;
  const isApi = pathname.startsWith("/api/");
  const changesState = !SAFE_METHODS.has(request.method);
  if (changesState && !pathname.startsWith("/api/console/") && !isSameOrigin(request.headers, publicUrl)) {
    return refused(request, isApi, https);
  }
  // The session is renewed on pages and console API calls; sign-in, sign-out
  // (server actions, Auth.js's own routes) and health checks set or need none.
  const renew =
    hasSessionCookie(request) && !request.headers.has("next-action") && !pathname.startsWith("/api/auth/") && pathname !== "/api/health";
  if (!renew) return handle(request);
  return onlySessionCookie(await (await withSession)(request));
}

function hasSessionCookie(request: NextRequest): boolean {
  return request.cookies.getAll().some((c) => c.name.includes("authjs.session-token"));
}

/** Auth.js also hands out its CSRF and callback cookies on every call; only the session's belongs here. */
function onlySessionCookie(response: NextResponse): NextResponse {
  const cookies = response.headers.getSetCookie();
  if (cookies.length === 0) return response;
  response.headers.delete("set-cookie");
  for (const cookie of cookies) if (cookie.includes("authjs.session-token")) response.headers.append("set-cookie", cookie);
  return response;
}

export const config = {
  matcher: ["/((?!v1/|v1$|v2/|_next/static/|_next/image|favicon.ico).*)"],
};
