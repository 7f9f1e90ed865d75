import { Card } from "@/components/ui/card";
import { formatMoney } from "@/lib/format";
import type { LimitsSummary } from "@/lib/console/limits";

/** The account's month: spent, the cap and what is left under it, and prepaid credit. */
export function SpendTile({ summary }: { summary: LimitsSummary }) {
  const used = BigInt(summary.spendMonth.used);
  const limit = summary.spendMonth.limit === null ? null : BigInt(summary.spendMonth.limit);
  const percent = limit && limit > 0n ? Math.min(100, Number((used * 1000n) / limit) / 10) : null;
  return (
    <Card data-testid="spend-tile">
      <p className="text-xs font-medium text-muted">Spend this month</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid="spend-month">
        {formatMoney(used)}
      </p>
      {limit !== null ? (
        <>
          <div className="mt-3 h-1.5 overflow-hidden rounded-full bg-surface-sunken" role="progressbar" aria-label="Share of the monthly limit spent" aria-valuenow={percent ?? 0} aria-valuemin={0} aria-valuemax={100}>
            <div className={`h-full rounded-full ${percent !== null && percent >= 90 ? "bg-red-500" : "bg-primary"}`} style={{ width: `${percent ?? 0}%` }} />
          </div>
          <p className="mt-2 text-xs text-muted" data-testid="spend-headroom">
            {formatMoney(BigInt(summary.spendMonth.remaining ?? "0"))} left of {formatMoney(limit)} · {summary.tier}
          </p>
        </>
      ) : (
        <p className="mt-2 text-xs text-muted" data-testid="spend-headroom">
          No monthly cap · {summary.tier}
        </p>
      )}
      {summary.balance !== null && (
        <p className="mt-1 text-xs text-muted" data-testid="spend-balance">
          Prepaid credit: {formatMoney(BigInt(summary.balance))}
        </p>
      )}
    </Card>
  );
}
