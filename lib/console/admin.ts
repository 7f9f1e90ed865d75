import { AppError } from "@/lib/errors";
import type { Caller } from "./authz";

/**
 * Models and their files are shared by every account, so an account's own
 * admin cannot add them: only a platform superadmin (the person who ran the
 * setup, or one made with `llmaas user create --superadmin`).
 */
export function requirePlatformAdmin(who: Caller): void {
  if (!who.superadmin) throw new AppError(403, "permission_error", "Only platform administrators can add models", null, "not_platform_admin");
}
