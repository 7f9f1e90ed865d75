import { AppError } from "@/lib/errors";
import type { Caller } from "./authz";

/**
 * Tiers, backends, models, their files and prices are shared by every account,
 * so an account's own admin cannot change them: only a platform superadmin
 * (the person who ran the setup, or one made with `llmaas user create --superadmin`).
 */
export function requirePlatformAdmin(who: Caller, what = "add models"): void {
  if (!who.superadmin) throw new AppError(403, "permission_error", `Only platform administrators can ${what}`, null, "not_platform_admin");
}
