import type { KeyStatus } from "@/db/queries/keys";

/** A key as the keys page shows it: plain data (dates as ISO strings, nano-euros as decimal strings). */
export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  ownerId: string;
  owner: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  previousPrefix: string | null;
  previousExpiresAt: string | null;
  status: KeyStatus;
  spendMonthNanos: string;
  allowedModels: string[] | null;
  monthlyBudgetNanos: string | null;
  outputTokensPerHour: number | null;
  outputTokensPerDay: number | null;
}

/** What the key list (table on wide screens, cards on phones) is given. */
export interface KeyListProps {
  keys: KeyView[];
  tz: string;
  showOwner: boolean;
  canManage: (k: KeyView) => boolean;
  onRotate: (k: KeyView) => void;
  onRevoke: (k: KeyView) => void;
}
