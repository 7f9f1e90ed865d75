import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import type { BudgetOverview } from "@/lib/console/budget";
import { formatDateTime, formatMoney } from "@/lib/format";

const WEBHOOK = { delivered: ["success", "Webhook delivered"], pending: ["info", "Webhook pending"], failed: ["danger", "Webhook failed"], none: ["neutral", "No webhook"] } as const;

export function AlertHistory({ alerts, tz }: { alerts: BudgetOverview["alerts"]["history"]; tz: string }) {
  if (alerts.length === 0) {
    return (
      <EmptyState title="No alert yet" testId="alerts-empty">
        When this month&apos;s spend crosses a threshold of the budget, it is listed here.
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y" data-testid="alert-history">
      {alerts.map((a) => (
        <li key={a.id} className="flex flex-wrap items-center justify-between gap-2 py-3 first:pt-0 last:pb-0" data-testid="alert-row" data-threshold={a.thresholdPercent}>
          <div>
            <p className="text-sm font-medium">
              {a.thresholdPercent} % of {formatMoney(a.budgetNanos)} · {a.month}
            </p>
            <p className="text-xs text-muted">
              {formatMoney(a.spendNanos)} spent when it fired, {formatDateTime(a.createdAt, tz)}
              {a.emailed && " · e-mailed"}
            </p>
          </div>
          <span title={a.webhookError ?? undefined}>
            <Badge tone={WEBHOOK[a.webhook][0]} testId="alert-webhook">
              {WEBHOOK[a.webhook][1]}
            </Badge>
          </span>
        </li>
      ))}
    </ul>
  );
}
