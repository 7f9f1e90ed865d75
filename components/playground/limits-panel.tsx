"use client";

import { useEffect, useState } from "react";
import type { LimitState, LimitsSummary } from "@/lib/console/limits";
import { formatMoney } from "@/lib/format";
import { formatInt } from "./cost";

function Meter({ label, state, money, testId, resetWord = "Resets" }: { label: string; state: LimitState; money?: boolean; testId: string; resetWord?: string }) {
  const used = BigInt(state.used);
  const limit = state.limit === null ? null : BigInt(state.limit);
  const share = limit && limit > 0n ? Math.min(100, Number((used * 1000n) / limit) / 10) : 0;
  const show = (n: bigint) => (money ? formatMoney(n) : formatInt(n));
  const resets = new Date(state.resetsAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  return (
    <div className="min-w-0 space-y-1" data-testid={testId} title={`${resetWord} ${resets}`}>
      <p className="truncate text-[11px] text-muted">{label}</p>
      <p className="truncate text-sm font-semibold tabular-nums" data-testid={`${testId}-value`}>
        {limit === null ? (money ? show(used) : "unlimited") : money ? `${show(used)} of ${show(limit)}` : show(BigInt(state.remaining!))}
      </p>
      {limit !== null && (
        <div className="h-1 overflow-hidden rounded-full bg-accent" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share)}>
          <div className={`h-full rounded-full ${share > 90 ? "bg-danger" : "bg-foreground/50"}`} style={{ width: `${Math.max(share, used > 0n ? 1 : 0)}%` }} />
        </div>
      )}
    </div>
  );
}

/** What is left of the output tokens of the last hour and day and of the month's budget; re-read whenever `version` changes. */
export function LimitsPanel({ version }: { version: number }) {
  const [summary, setSummary] = useState<LimitsSummary | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    fetch("/api/console/limits", { cache: "no-store" })
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as LimitsSummary;
        if (live) {
          setSummary(body);
          setFailed(false);
        }
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [version]);

  return (
    <section aria-label="Your limits" className="min-h-10" data-testid="limits-panel">
      {failed && !summary && <p className="text-xs text-danger">Could not read your limits: reload the page to try again.</p>}
      {!summary && !failed && <div className="h-10 animate-pulse rounded-md bg-accent" aria-label="Loading limits" />}
      {summary && (
        <div className="grid grid-cols-2 gap-x-5 gap-y-2 sm:grid-cols-4">
          <Meter label="Tokens left, last hour" state={summary.tokensHour} testId="limit-hour" resetWord="More from" />
          <Meter label="Tokens left, last 24 h" state={summary.tokensDay} testId="limit-day" resetWord="More from" />
          <Meter label="Spent this month" state={summary.spendMonth} money testId="limit-month" />
          <div className="min-w-0 space-y-1">
            <p className="truncate text-[11px] text-muted">{summary.balance !== null ? `Prepaid credit · ${summary.tier}` : "Tier"}</p>
            <p className="truncate text-sm font-semibold tabular-nums" data-testid="limit-balance">
              {summary.balance !== null ? formatMoney(BigInt(summary.balance)) : summary.tier}
            </p>
          </div>
        </div>
      )}
    </section>
  );
}
