import { AppError } from "@/lib/errors";
import { consoleCaller } from "./auth";

/**
 * The signed-in caller, if they administer the whole platform. Models and
 * their files are shared by every account, so an account's own admin cannot
 * add them: only a platform superadmin (the person who ran the setup, or one
 * made with `llmaas user create --superadmin`).
 */
export async function platformAdminCaller() {
  const caller = await consoleCaller();
  if (!caller.user.superadmin) {
    throw new AppError(403, "permission_error", "Only platform administrators can add models", null, "not_platform_admin");
  }
  return caller;
}
