import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/auth";
import { needsSetup } from "@/lib/accounts";
import { REQUESTED_PATH_HEADER, loginPath } from "@/lib/callback-path";

/** One session lookup per request, however many layouts and pages ask. */
export const currentSession = cache(() => auth());

/**
 * The signed-in person, or a redirect: to /setup on a fresh install, else to
 * /login and back to the requested page afterwards. Pages call it as well as
 * the layout, because Next renders them in parallel.
 */
export async function requireSession() {
  const session = await currentSession();
  if (session) return session;
  if (await needsSetup()) redirect("/setup");
  redirect(loginPath((await headers()).get(REQUESTED_PATH_HEADER)));
}
