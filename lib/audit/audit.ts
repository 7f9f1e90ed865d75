import { AsyncLocalStorage } from "node:async_hooks";
import os from "node:os";
import { insertAuditEntry } from "@/db/queries/audit";
import { log } from "@/lib/log";

/** Who is acting: a signed-in person, or the CLI run by an operating-system user. */
export interface Actor {
  userId: string | null;
  label: string;
}

const actors = new AsyncLocalStorage<Actor>();

/** Run administrative work on behalf of someone: everything it audits names them. */
export function asActor<T>(actor: Actor, work: () => Promise<T>): Promise<T> {
  return actors.run(actor, work);
}

/** The CLI's actor: "cli:<operating-system user>". */
export function cliActor(): Actor {
  let user = "unknown";
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? "unknown";
  }
  return { userId: null, label: `cli:${user}` };
}

/** Fields that never enter the audit log, whatever an object holds. */
const SECRET = /hash|secret|password|api_?key/i;

/** An object as the audit log keeps it: plain JSON, without secrets; bigints as decimal strings, dates as ISO. */
export function auditable(value: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!value) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET.test(k)) continue;
    out[k] = typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/**
 * Record an administrative action. It is written before the action returns,
 * so nothing that happened is missing; a failure to write it is logged, not
 * raised, once the action itself has been done.
 */
export async function audit(entry: { accountId: string | null; action: string; objectType: string; objectId: string; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null }) {
  const actor = actors.getStore() ?? { userId: null, label: "system" };
  try {
    await insertAuditEntry({
      actorUserId: actor.userId,
      actor: actor.label,
      accountId: entry.accountId,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId,
      before: auditable(entry.before),
      after: auditable(entry.after),
    });
  } catch (err) {
    log.error("audit entry could not be written", { action: entry.action, objectId: entry.objectId, error: (err as Error).message });
  }
}
