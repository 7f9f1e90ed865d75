import { createHash } from "node:crypto";
import { addLoginFailure, countLoginFailures } from "@/db/queries/login-attempts";

/** Failed sign-ins allowed per email address in a window, before it is locked until the window ends. */
export const MAX_LOGIN_FAILURES = 10;
const WINDOW_MS = 15 * 60_000;

/** A stable id for an email address (never stored in clear in the counters). */
function scopeOf(email: string): string {
  const h = createHash("sha256").update(`login:${email.trim().toLowerCase()}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function window(now: Date) {
  const start = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS;
  return { start: new Date(start), end: new Date(start + WINDOW_MS) };
}

/** Null when a sign-in may be tried; otherwise the minutes until it may. */
export async function loginLockedFor(email: string, now = new Date()): Promise<number | null> {
  const w = window(now);
  const failures = await countLoginFailures({ scopeId: scopeOf(email), windowStart: w.start });
  if (failures < MAX_LOGIN_FAILURES) return null;
  return Math.max(1, Math.ceil((w.end.getTime() - now.getTime()) / 60_000));
}

export async function recordLoginFailure(email: string, now = new Date()): Promise<void> {
  await addLoginFailure({ scopeId: scopeOf(email), windowStart: window(now).start });
}
