import type { Metadata } from "next";
import { BudgetSettingsForm } from "@/components/budget/budget-settings-form";
import { Gauge } from "@/components/budget/gauge";
import { AlertHistory } from "@/components/budget/alert-history";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { StatTile } from "@/components/ui/stat-tile";
import { formatEuros } from "@/lib/billing/money";
import { managesAccount, readsAccount } from "@/lib/console/authz";
import { budgetOverview } from "@/lib/console/budget";
import { pageCaller } from "@/lib/console/caller";
import { env } from "@/lib/env";
import { formatCount, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Budget & limits" };

const money = (v: string | null, none = "No cap") => (v === null ? none : formatMoney(v));
const count = (v: number | null, none = "Unlimited") => (v === null ? none : formatCount(v));
/** The budget as its field edits it: exact (a save must not round it), without zeros past the cents: "49.90", "12.345". */
const editableEuros = (nanos: string) => formatEuros(BigInt(nanos), 9).replace(/(\.\d\d\d*?)0+$/, "$1");

export default async function BudgetPage() {
  const caller = await pageCaller();
  const o = await budgetOverview(caller);
  const { tier, gauges, balance, tz } = o;
  const available = BigInt(balance.balanceNanos) - BigInt(balance.reservedNanos);
  return (
    <PageColumn wide>
      <PageHeader
        title="Budget & limits"
        description={`What ${o.account.name} may use, what it has used now, and who is told when spend crosses a threshold. Months and days in ${tz}.`}
      />
      <Card>
        <div className="mb-4 flex flex-wrap items-center gap-2">
          <h2 className="text-base font-semibold">{tier.name}</h2>
          <Badge tone={tier.postpaid ? "neutral" : "info"}>{tier.postpaid ? "Post-paid" : "Prepaid"}</Badge>
          {tier.description && <p className="w-full text-sm text-muted">{tier.description}</p>}
        </div>
        <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-3 lg:grid-cols-5" data-testid="tier-figures">
          {[
            ["Purchase credit", tier.postpaid ? "—" : money(tier.purchaseCreditNanos, "—")],
            ["Monthly cap", money(tier.monthlyLimitNanos)],
            ["Output tokens / hour", count(tier.outputTokensPerHour)],
            ["Output tokens / day", count(tier.outputTokensPerDay)],
            ["Requests / minute", count(tier.requestsPerMinute)],
          ].map(([label, value]) => (
            <div key={label}>
              <dt className="text-muted">{label}</dt>
              <dd className="mt-0.5 font-medium tabular-nums">{value}</dd>
            </div>
          ))}
        </dl>
      </Card>

      <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
        <Card>
          <CardTitle description="The same figures as the X-RateLimit-* headers of each API answer. Rate limits slide: they count the last minute, hour or 24 hours.">Used now</CardTitle>
          <div className="grid gap-5 sm:grid-cols-2">
            <Gauge label="Spend this month" gauge={gauges.spendMonth!} money tz={tz} testId="gauge-spend" resetLabel="resets" />
            <Gauge label="Requests, last minute" gauge={gauges.requests!} tz={tz} testId="gauge-requests" />
            <Gauge label="Output tokens, last hour" gauge={gauges.tokensHour!} tz={tz} testId="gauge-tokens-hour" />
            <Gauge label="Output tokens, last 24 hours" gauge={gauges.tokensDay!} tz={tz} testId="gauge-tokens-day" />
          </div>
          <p className="mt-4 text-xs text-muted">
            Monthly spend counts against {o.account.monthlyBudgetNanos ? `the account's own budget of ${formatMoney(o.account.monthlyBudgetNanos)}` : "the tier's cap"}
            {o.account.monthlyBudgetNanos && tier.monthlyLimitNanos ? ` (the tier allows ${formatMoney(tier.monthlyLimitNanos)})` : ""}.
          </p>
        </Card>
        <div className="grid content-start gap-4">
          {tier.postpaid ? (
            <StatTile label="Owed this far" value={formatMoney(-BigInt(balance.balanceNanos) > 0n ? -BigInt(balance.balanceNanos) : 0n)} detail="Post-paid: billed monthly" testId="balance" />
          ) : (
            <StatTile
              label="Prepaid credit available"
              value={formatMoney(available)}
              testId="balance"
              detail={`${formatMoney(balance.reservedNanos)} held by requests in flight · ${formatMoney(balance.purchasedNanos)} bought in all`}
            />
          )}
        </div>
      </div>

      <Card>
        <CardTitle description="Keys held tighter than the account. Set them when creating a key.">Keys with limits of their own</CardTitle>
        {o.keys.length === 0 ? (
          <EmptyState title="No key has limits of its own" testId="key-limits-empty">
            Every key uses the account&apos;s limits. A key can get its own monthly budget and token windows when it is created on the API keys page.
          </EmptyState>
        ) : (
          <ul className="divide-y" data-testid="key-limits">
            {o.keys.map((k) => (
              <li key={k.id} className="grid gap-4 py-4 first:pt-0 last:pb-0 md:grid-cols-[12rem_1fr_1fr_1fr]">
                <div className="min-w-0">
                  <p className="truncate font-medium">{k.name}</p>
                  <p className="truncate text-xs text-muted">
                    <code>{k.prefix}…</code> · {k.owner}
                  </p>
                </div>
                <Gauge label="Spend this month" gauge={k.gauges.spendMonth!} money tz={tz} testId={`key-${k.id}-spend`} resetLabel="resets" />
                <Gauge label="Output tokens / hour" gauge={k.gauges.tokensHour!} tz={tz} testId={`key-${k.id}-hour`} />
                <Gauge label="Output tokens / day" gauge={k.gauges.tokensDay!} tz={tz} testId={`key-${k.id}-day`} />
              </li>
            ))}
          </ul>
        )}
      </Card>

      {readsAccount(caller) && (
        <div className="grid gap-4 lg:grid-cols-2">
          <Card>
            <CardTitle
              description={
                managesAccount(caller)
                  ? "A lower monthly cap for the account, and who is told as spend grows: a banner here, a webhook, and e-mail to admins and finance when the platform sends mail."
                  : "Set by the account's admins."
              }
            >
              Budget and alerts
            </CardTitle>
            {managesAccount(caller) ? (
              <BudgetSettingsForm
                budgetEuros={o.account.monthlyBudgetNanos ? editableEuros(o.account.monthlyBudgetNanos) : ""}
                capLabel={tier.monthlyLimitNanos ? `At most the tier's ${formatMoney(tier.monthlyLimitNanos)}; empty: the tier's cap.` : "Empty: no cap of the account's own."}
                thresholds={o.alerts.thresholds}
                webhookUrl={o.alerts.webhookUrl ?? ""}
                webhookSecret={o.alerts.webhookSecret}
                timezone={o.account.timezone ?? ""}
                platformZone={env().LLMAAS_TIMEZONE}
              />
            ) : (
              <dl className="space-y-2 text-sm" data-testid="budget-settings-readonly">
                <div className="flex justify-between gap-4">
                  <dt className="text-muted">Monthly budget</dt>
                  <dd>{money(o.account.monthlyBudgetNanos, "The tier's cap")}</dd>
                </div>
                <div className="flex justify-between gap-4">
                  <dt className="text-muted">Alert thresholds</dt>
                  <dd>{o.alerts.thresholds.length ? o.alerts.thresholds.map((t) => `${t} %`).join(", ") : "None"}</dd>
                </div>
                <div className="flex justify-between gap-4">
                  <dt className="text-muted">Webhook</dt>
                  <dd className="truncate">{o.alerts.webhookUrl ?? "None"}</dd>
                </div>
              </dl>
            )}
          </Card>
          <Card>
            <CardTitle description="Each threshold fires once a month.">Alert history</CardTitle>
            <AlertHistory alerts={o.alerts.history} tz={tz} />
          </Card>
        </div>
      )}
    </PageColumn>
  );
}
