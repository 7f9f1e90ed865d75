import { AppError, toAppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { SAFE_METHODS, isSameOrigin } from "@/lib/security/origin";
import { consoleCaller } from "./auth";
import type { Caller } from "./authz";

export type ConsoleCaller = Awaited<ReturnType<typeof consoleCaller>>;

export interface ConsoleRouteOptions {
  /**
   * Media types a request body may have ("application/json", "multipart/form-data").
   * A state-changing request with any other Content-Type is refused with 415: a
   * page on another site can send text/plain or a form without asking first,
   * never JSON. Leave unset for routes that take no body.
   */
  accepts?: readonly string[];
}

export interface ConsoleRouteContext<P> {
  /** The signed-in user (from the session) and their console key, for calls into the gateway. */
  caller: ConsoleCaller;
  /** The same person as lib/console/authz.ts knows them, for permission checks and account-scoped queries. */
  who: Caller;
  params: P;
}

type Handler<P> = (request: Request, context: ConsoleRouteContext<P>) => Promise<Response>;

export const JSON_BODY = ["application/json"] as const;

export const crossOrigin = () =>
  new AppError(403, "permission_error", "This request did not come from the console's own pages", null, "cross_origin_request");

const unsupportedMediaType = (accepts: readonly string[]) =>
  new AppError(415, "invalid_request_error", `Send the body as ${accepts.join(" or ")}`, null, "unsupported_media_type");

function mediaType(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Refuses a state-changing request from another origin (403) or with a body of the wrong type (415). */
export function checkConsoleRequest(request: Request, options: ConsoleRouteOptions = {}): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (!isSameOrigin(request.headers, env().LLMAAS_PUBLIC_URL)) throw crossOrigin();
  if (options.accepts && !options.accepts.includes(mediaType(request))) throw unsupportedMediaType(options.accepts);
}

/**
 * The one way a console API route is written: the request is checked (same
 * origin for anything that changes state, the body's media type), the
 * signed-in caller is looked up (401 without a session), then the handler
 * runs; every failure is answered in the API's error envelope.
 */
export function consoleRoute<P = Record<string, never>>(handler: Handler<P>, options: ConsoleRouteOptions = {}) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      checkConsoleRequest(request, options);
      const caller = await consoleCaller();
      const { id: userId, accountId, role, superadmin } = caller.user;
      return await handler(request, { caller, who: { userId, accountId, role, superadmin }, params: await context.params });
    } catch (err) {
      if (!(err instanceof AppError)) {
        log.error("console request failed", { path: new URL(request.url).pathname, error: err instanceof Error ? err.message : String(err) });
      }
      return toAppError(err).toResponse();
    }
  };
}
