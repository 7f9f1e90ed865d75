import type { KeyStatus } from "@/db/queries/keys";

/** Keys that end within this long are shown as "expiring soon". */
export const EXPIRING_SOON_MS = 7 * 86_400_000;

interface KeyDates {
  revokedAt: Date | null;
  expiresAt: Date | null;
  previousExpiresAt: Date | null;
}

/** Where a key stands at `now`; the same rule as the lists' status filter. */
export function keyStatus(k: KeyDates, now = new Date()): KeyStatus {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && k.expiresAt <= now) return "expired";
  if (k.previousExpiresAt && k.previousExpiresAt > now) return "rotating";
  if (k.expiresAt && k.expiresAt.getTime() - now.getTime() <= EXPIRING_SOON_MS) return "expiring";
  return "active";
}

export const STATUS_LABELS: Record<KeyStatus, string> = {
  active: "Active",
  rotating: "Rotating",
  expiring: "Expiring soon",
  expired: "Expired",
  revoked: "Revoked",
};
