import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AccountSettings, SuspendAccount } from "@/components/admin/account-settings";
import { AccountStatusBadge } from "@/components/admin/account-status-badge";
import { MembersView } from "@/components/admin/members-view";
import { tierLabel } from "@/components/admin/tier-label";
import { AdjustCreditForm } from "@/components/finance/adjust-credit-form";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { StatTile } from "@/components/ui/stat-tile";
import { formatEuros } from "@/lib/billing/money";
import { pageCaller } from "@/lib/console/caller";
import { type MemberListQuery, listMembersAs } from "@/lib/console/members";
import { accountDetailAs, tiersAs } from "@/lib/console/platform-accounts";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { formatCount, formatDate, formatDateTime, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Account" };

/** One account, for the platform's administrators: its settings, credit, state and users. */
export default async function AccountPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<MemberListQuery> }) {
  const caller = await pageCaller();
  if (!caller.superadmin) notFound();
  const { id } = await params;
  const detail = await accountDetailAs(caller, id).catch((err) => {
    if (err instanceof AppError && err.status === 404) notFound();
    throw err;
  });
  const { account, tier, balance, capNanos } = detail;
  const [tiers, list] = await Promise.all([tiersAs(caller), listMembersAs(caller, account.id, await searchParams)]);
  const tz = account.timezone ?? env().LLMAAS_TIMEZONE;
  const available = balance.balanceNanos - balance.reservedNanos;
  const path = `/accounts/${account.id}`;
  return (
    <PageColumn wide>
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link href="/accounts" className="underline-offset-2 hover:underline" data-testid="back-to-accounts">
          Accounts
        </Link>
        <span aria-hidden="true"> / </span>
        <span className="text-foreground">{account.name}</span>
      </nav>
      <PageHeader
        title={account.name}
        description={
          <>
            <AccountStatusBadge suspendedAt={account.suspendedAt} testId="account-state" /> <span className="align-middle">Created {formatDate(account.createdAt, tz)} · months in {tz}</span>
          </>
        }
        actions={
          <>
            <Link href={`/audit?account=${account.id}`} className={buttonClasses("secondary")} data-testid="account-audit-link">
              Audit log
            </Link>
            <SuspendAccount account={{ id: account.id, name: account.name, suspended: account.suspendedAt !== null }} own={account.id === caller.accountId} />
          </>
        }
      />
      {account.suspendedAt && (
        <p className="rounded-md border border-danger-border bg-danger-surface px-3 py-2 text-sm text-danger" role="status" data-testid="suspended-notice">
          Suspended since {formatDateTime(account.suspendedAt, tz)}: every key of this account is refused with 403 <code>account_suspended</code>. Unsuspend it to
          restore the keys that were valid.
        </p>
      )}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <StatTile label={tier.postpaid ? "Owed (post-paid)" : "Prepaid credit available"} value={formatMoney(tier.postpaid ? (balance.balanceNanos < 0n ? -balance.balanceNanos : 0n) : available)} testId="account-balance" detail={balance.reservedNanos > 0n ? `${formatMoney(balance.reservedNanos)} held by requests in flight` : undefined} />
        <StatTile label="Tier" value={tier.name} testId="account-tier-name" detail={tier.postpaid ? "Post-paid" : `Prepaid, activated by ${formatMoney(tier.purchaseCreditNanos ?? 0n)} of credit`} />
        <StatTile label="Monthly cap" value={capNanos === null ? "None" : formatMoney(capNanos)} detail={account.monthlyBudgetNanos !== null ? "Its own budget" : tier.monthlyLimitNanos !== null ? "The tier's cap" : undefined} />
        <StatTile label="Users" value={formatCount(detail.members)} testId="account-users" />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardTitle description="Each is saved on its own and recorded in the audit log.">Settings</CardTitle>
          <AccountSettings
            account={{ id: account.id, name: account.name, tierId: account.tierId, monthlyBudget: account.monthlyBudgetNanos === null ? "" : formatEuros(account.monthlyBudgetNanos, 9).replace(/\.?0+$/, "") }}
            tiers={tiers.map((t) => ({ id: t.id, label: tierLabel(t) }))}
            tierCap={tier.monthlyLimitNanos === null ? null : formatMoney(tier.monthlyLimitNanos)}
          />
        </Card>
        <Card>
          <CardTitle
            description={
              <>
                A top-up buys credit; an adjustment corrects the balance and needs a reason. Its history and statements are on{" "}
                <Link href={`/finance?account=${account.id}`} className="underline underline-offset-2" data-testid="account-finance-link">
                  Finance
                </Link>
                .
              </>
            }
          >
            Credit
          </CardTitle>
          <AdjustCreditForm accountId={account.id} />
        </Card>
      </div>
      <section className="space-y-3" aria-labelledby="users-heading">
        <h2 id="users-heading" className="text-lg font-semibold">
          Users
        </h2>
        <MembersView path={path} account={{ id: account.id, name: account.name }} members={list.members} next={list.next} query={list.query} canManage={list.canManage} selfId={caller.userId} tz={tz} />
      </section>
    </PageColumn>
  );
}
