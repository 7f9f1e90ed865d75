import { auth } from "@/auth";
import { AppError } from "@/lib/errors";
import { consoleKeyFor } from "@/lib/keys/console";

export const notSignedIn = () =>
  new AppError(401, "authentication_error", "Your console session has ended: sign in again", null, "not_signed_in");

/** Until a user has replaced the temporary password an administrator gave them, the console does nothing for them. */
export const passwordChangeRequired = () =>
  new AppError(403, "permission_error", "Choose your own password first: the one you signed in with was temporary", null, "password_change_required");

/** The signed-in user and their console key, or a 401 (403 while their password must be changed) in the API's envelope. */
export async function consoleCaller() {
  const session = await auth();
  if (!session?.user?.id) throw notSignedIn();
  if (session.user.mustChangePassword) throw passwordChangeRequired();
  const key = await consoleKeyFor(session.user.id);
  return { user: session.user, key };
}
