import { findAccountSuspension } from "@/db/queries/accounts";

/**
 * On every console page of a suspended account: why its keys, and the
 * playground, answer 403 account_suspended, and whom to ask.
 */
export async function SuspendedBanner({ accountId }: { accountId: string }) {
  const state = await findAccountSuspension({ accountId });
  if (!state?.suspendedAt) return null;
  return (
    <div role="status" className="border-b border-danger-border bg-danger-surface px-4 py-2 text-sm text-danger sm:px-6" data-testid="account-suspended-banner">
      <strong>This account is suspended:</strong> its API keys and the playground are refused until it is restored. Contact the platform administrator.
    </div>
  );
}
