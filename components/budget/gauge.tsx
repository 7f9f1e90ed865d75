import { formatCount, formatDateTime, formatMoney } from "@/lib/format";
import type { Gauge as GaugeData } from "@/lib/console/budget";

/**
 * How much of a limit is used (solid) and held by requests in flight
 * (hatched), as a meter; "no limit" when there is none.
 */
export function Gauge({ label, gauge, money = false, tz, testId, resetLabel = "frees up" }: { label: string; gauge: GaugeData; money?: boolean; tz: string; testId: string; resetLabel?: string }) {
  const used = BigInt(gauge.used);
  const reserved = BigInt(gauge.reserved);
  const limit = gauge.limit === null ? null : BigInt(gauge.limit);
  const fmt = (v: bigint) => (money ? formatMoney(v) : formatCount(Number(v)));
  const pct = (v: bigint) => (limit && limit > 0n ? Math.min(100, Number((v * 10000n) / limit) / 100) : 0);
  const usedPct = pct(used);
  const heldPct = Math.min(100 - usedPct, pct(reserved));
  const tone = usedPct + heldPct >= 100 ? "bg-danger" : usedPct + heldPct >= 80 ? "bg-warning" : "bg-chart-1";
  return (
    <div className="space-y-1.5" data-testid={testId}>
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{label}</span>
        <span className="tabular-nums text-muted">
          <span className="text-foreground" data-testid={`${testId}-used`}>
            {fmt(used + reserved)}
          </span>
          {limit !== null ? ` of ${fmt(limit)}` : " · no limit"}
        </span>
      </div>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={limit === null ? undefined : Number(limit)}
        aria-valuenow={Number(used + reserved)}
        aria-valuetext={limit === null ? `${fmt(used + reserved)}, no limit` : `${fmt(used + reserved)} of ${fmt(limit)}`}
        data-used={gauge.used}
        data-reserved={gauge.reserved}
        className="flex h-2 overflow-hidden rounded-full bg-accent"
      >
        <div className={tone} style={{ width: `${usedPct}%` }} />
        <div className={`${tone} opacity-40`} style={{ width: `${heldPct}%` }} />
      </div>
      <p className="text-xs text-muted">
        {reserved > 0n && `${fmt(reserved)} held by requests in flight · `}
        {limit !== null && used + reserved > 0n ? `${resetLabel} ${formatDateTime(gauge.resetsAt, tz)}` : limit !== null ? "nothing used" : ""}
      </p>
    </div>
  );
}
