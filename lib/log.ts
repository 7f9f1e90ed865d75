import { env } from "./env";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, "silent">;

/**
 * One JSON line per event on stderr. Never pass secrets, keys or upstream URLs in fields. A line about a request
 * carries the request's own fields (its id, account and key: RequestContext.logFields()), passed explicitly:
 * an AsyncLocalStorage scope would turn on promise hooks, a cost on every promise of every request.
 */
function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
  let threshold: number;
  try {
    threshold = LEVELS[env().LLMAAS_LOG_LEVEL];
  } catch {
    threshold = LEVELS.info;
  }
  if (LEVELS[level] < threshold) return;
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }) + "\n");
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
};

/**
 * An error as log fields that cannot carry data: a failed query's driver
 * message repeats its SQL and parameters (and Postgres quotes the offending
 * value), so database errors are logged by SQLSTATE, table and constraint only.
 */
export function errorFields(err: unknown): Record<string, unknown> {
  const e = err as { name?: string; message?: string; code?: unknown; cause?: unknown } | undefined;
  const candidates = [e, e?.cause as typeof e];
  for (const c of candidates) {
    const code = typeof c?.code === "string" ? c.code : undefined;
    if (code && /^[0-9A-Z]{5}$/.test(code)) {
      const db = c as { table?: string; constraint?: string; routine?: string };
      return { error: "database query failed", sqlstate: code, ...(db.table ? { table: db.table } : {}), ...(db.constraint ? { constraint: db.constraint } : {}) };
    }
    if (code && /^E[A-Z]+$/.test(code)) return { error: "connection failed", code };
  }
  const message = typeof e?.message === "string" ? e.message : String(err);
  if (/^Failed query/i.test(message)) return { error: "database query failed" };
  return { error: `${e?.name && e.name !== "Error" ? `${e.name}: ` : ""}${message.split("\n")[0]!.slice(0, 200)}` };
}
