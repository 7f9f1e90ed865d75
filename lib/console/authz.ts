import type { Role } from "@/lib/accounts";
import { AppError } from "@/lib/errors";

/** Who is asking, as the console's server code knows them (from the session, never from the request). */
export interface Caller {
  userId: string;
  accountId: string;
  role: Role;
  superadmin: boolean;
}

/*
 * What each kind of person may do in the console:
 * - members: their own keys and usage;
 * - account admins: everything of their account;
 * - finance: read every page of their account, change nothing;
 * - superadmins: what an account admin may, plus the platform's administration.
 */

/** May see the whole account (every key, every user's usage, budgets, alerts). */
export const readsAccount = (c: Caller) => c.superadmin || c.role === "admin" || c.role === "finance";

/** May change the account: any key of it, its budget, thresholds and webhook. */
export const managesAccount = (c: Caller) => c.superadmin || c.role === "admin";

/** May add, change, disable and reset the password of the users of this account: its admins, and superadmins for every account. */
export const managesUsersOf = (c: Caller, accountId: string) => c.superadmin || (c.role === "admin" && c.accountId === accountId);

/** May see the users of this account: those who manage them, and finance (who reads every page of their own account). */
export const readsUsersOf = (c: Caller, accountId: string) => managesUsersOf(c, accountId) || (c.role === "finance" && c.accountId === accountId);

/** May create and change their own keys: everyone but finance, who only reads. */
export const managesOwnKeys = (c: Caller) => managesAccount(c) || c.role === "member";

export const forbidden = (message: string) => new AppError(403, "permission_error", message, null, "forbidden");

export function requireThat(allowed: boolean, message: string): void {
  if (!allowed) throw forbidden(message);
}
