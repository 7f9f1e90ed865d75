import { AsyncLocalStorage } from "node:async_hooks";
import { env } from "./env";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, "silent">;

/**
 * Fields every log line written while serving one request carries (request
 * id, account id, key id), set by the gateway as it learns them.
 */
const scope = new AsyncLocalStorage<Record<string, unknown>>();

/** Run `fn` with `fields` added to every log line it writes, however deep. */
export function withLogFields<T>(fields: Record<string, unknown>, fn: () => T): T {
  return scope.run({ ...scope.getStore(), ...fields }, fn);
}

/** Add fields to the current scope's log lines (e.g. the key, once authenticated). */
export function addLogFields(fields: Record<string, unknown>): void {
  const store = scope.getStore();
  if (store) Object.assign(store, fields);
}

/** One JSON line per event on stderr. Never pass secrets, keys or upstream URLs in fields. */
function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
  let threshold: number;
  try {
    threshold = LEVELS[env().LLMAAS_LOG_LEVEL];
  } catch {
    threshold = LEVELS.info;
  }
  if (LEVELS[level] < threshold) return;
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, message, ...scope.getStore(), ...fields }) + "\n");
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
};

/** `fn` run in the current log scope wherever it is called from (a stream's pull, a timer). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const bindLogScope = <F extends (...args: any[]) => any>(fn: F): F => AsyncLocalStorage.bind(fn);

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
