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
