import { currentSession, requireSession } from "@/lib/session";
import { notSignedIn, passwordChangeRequired } from "./auth";
import type { Caller } from "./authz";

type SessionUser = { id: string; accountId: string; role: Caller["role"]; superadmin: boolean };
const callerOf = (u: SessionUser): Caller => ({ userId: u.id, accountId: u.accountId, role: u.role, superadmin: u.superadmin });

/** The signed-in person for a page: redirects to sign-in (or setup) when there is none. */
export async function pageCaller(): Promise<Caller & { email: string; name: string }> {
  const { user } = await requireSession();
  return { ...callerOf(user), email: user.email ?? "", name: user.name ?? "" };
}

/** The signed-in person for a server action or route: a 401 AppError when there is none, a 403 until a temporary password is replaced. */
export async function actionCaller(): Promise<Caller> {
  const session = await currentSession();
  if (!session?.user?.id) throw notSignedIn();
  if (session.user.mustChangePassword) throw passwordChangeRequired();
  return callerOf(session.user);
}
