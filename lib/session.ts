import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/auth";
import { needsSetup } from "@/lib/accounts";
import { REQUESTED_PATH_HEADER, loginPath } from "@/lib/callback-path";

/** Where a user whose password an administrator chose goes first, and can go nowhere else. */
export const CHANGE_PASSWORD_PATH = "/change-password";

/** One session lookup per request, however many layouts and pages ask. */
export const currentSession = cache(() => auth());

/**
 * The signed-in person, or a redirect: to /setup on a fresh install, else to
 * /login and back to the requested page afterwards. Pages call it as well as
 * the layout, because Next renders them in parallel. A user whose password
 * an administrator chose is sent to choose their own first.
 */
export async function requireSession() {
  const session = await currentSession();
  // A password an administrator chose is changed before anything else.
  if (session?.user.mustChangePassword) redirect(CHANGE_PASSWORD_PATH);
  if (session) return session;
  if (await needsSetup()) redirect("/setup");
  redirect(loginPath((await headers()).get(REQUESTED_PATH_HEADER)));
}
