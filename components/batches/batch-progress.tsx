const fmt = new Intl.NumberFormat("en-US");

/** Lines answered out of the batch's total: successes in green, failures in red. */
export function BatchProgress({ total, completed, failed }: { total: number; completed: number; failed: number }) {
  const pct = (n: number) => (total > 0 ? (n / total) * 100 : 0);
  const done = completed + failed;
  return (
    <div className="min-w-40 space-y-1" data-testid="batch-progress">
      <div
        className="flex h-1.5 w-full overflow-hidden rounded-full bg-surface-sunken"
        role="progressbar"
        aria-label="Lines answered"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <div className="h-full bg-emerald-500" style={{ width: `${pct(completed)}%` }} />
        <div className="h-full bg-red-500" style={{ width: `${pct(failed)}%` }} />
      </div>
      <p className="text-xs text-muted tabular-nums">
        {fmt.format(done)} / {fmt.format(total)} lines
        {failed > 0 && <span className="text-danger"> · {fmt.format(failed)} failed</span>}
      </p>
    </div>
  );
}
