/**
 * The one error type of the platform. The gateway renders it in the API's
 * envelope; the CLI prints its message; the console shows it in forms.
 * Its message is safe to show: never put SQL, stacks, upstream URLs or keys in it.
 */
export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "insufficient_quota"
  | "server_error"
  | "service_unavailable_error";

export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly type: ErrorType,
    message: string,
    public readonly param: string | null = null,
    public readonly code: string | null = null,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }

  toJSON() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(this.toJSON()), {
      status: this.status,
      headers: { "content-type": "application/json", ...this.headers, ...extraHeaders },
    });
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new AppError(400, "invalid_request_error", message, param, code);

export const notFound = (message: string, param: string | null = null, code: string | null = null) =>
  new AppError(404, "invalid_request_error", message, param, code);

export const conflict = (message: string, param: string | null = null) =>
  new AppError(409, "invalid_request_error", message, param, "already_exists");

/** Anything that is not an AppError becomes a bare 500 (503 when the database is unreachable): its details stay in the server log. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) {
    return new AppError(503, "service_unavailable_error", "The service is temporarily unavailable: its database cannot be reached; try again shortly", null, "database_unavailable");
  }
  return new AppError(500, "server_error", "Internal server error");
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * Whether an error means the database cannot be reached right now (down,
 * restarting, connection lost or timed out), not that a query was wrong.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    const code = typeof e.code === "string" ? e.code : "";
    // SQLSTATE class 08 (connection exception) and 57P (operator intervention: shutdown, restart, starting up).
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-4]$/.test(code) || CONNECTION_CODES.has(code)) return true;
    const message = typeof e.message === "string" ? e.message : "";
    if (/Connection terminated|timeout exceeded when trying to connect|connection (?:is )?closed|Client has encountered a connection error|Cannot use a pool after calling end/i.test(message)) return true;
  }
  return false;
}

/** Postgres unique violation, from pg or PGlite. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === "23505" || e?.cause?.code === "23505";
}
