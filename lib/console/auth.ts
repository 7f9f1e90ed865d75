import { auth } from "@/auth";
import { AppError } from "@/lib/errors";
import { consoleKeyFor } from "@/lib/keys/console";

export const notSignedIn = () =>
  new AppError(401, "authentication_error", "Your console session has ended: sign in again", null, "not_signed_in");

/** The signed-in user and their console key, or a 401 in the API's envelope. */
export async function consoleCaller() {
  const session = await auth();
  if (!session?.user?.id) throw notSignedIn();
  const key = await consoleKeyFor(session.user.id);
  return { user: session.user, key };
}
