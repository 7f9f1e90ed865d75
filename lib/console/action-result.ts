import { findUserById } from "@/db/queries/users";
import { asActor } from "@/lib/audit/audit";
import { toAppError } from "@/lib/errors";
import type { Caller } from "./authz";
import { actionCaller } from "./caller";
import { log } from "@/lib/log";

/** What a console server action answers: its data, or an error a form can show beside the field it names. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: { message: string; param: string | null; status: number } };

/** Run a server action's work, turning any failure into a result (a 500's details stay in the log). */
export async function runAction<T>(name: string, work: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (err) {
    const e = toAppError(err);
    if (e.status >= 500) log.error("console action failed", { action: name, error: (err as Error)?.message });
    return { ok: false, error: { message: e.message, param: e.param, status: e.status } };
  }
}

/**
 * A console server action: the signed-in caller, their work done on their
 * behalf (the audit log names them), and any failure as a result a form shows.
 */
export async function consoleAction<T>(name: string, work: (caller: Caller) => Promise<T>): Promise<ActionResult<T>> {
  return runAction(name, async () => {
    const caller = await actionCaller();
    return asActor({ userId: caller.userId, label: (await actorLabel(caller)) ?? caller.userId }, () => work(caller));
  });
}

async function actorLabel(caller: Caller) {
  return (await findUserById({ id: caller.userId }))?.email;
}
