/** One labelled figure in a row of figures (tokens, latency, cost…). */
export function Stat({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div className="flex gap-1">
      <dt>{label}</dt>
      <dd className="font-medium text-foreground/80" data-testid={`stat-${id}`}>
        {value}
      </dd>
    </div>
  );
}

/** 850 ms, 1.2 s, 14 s. */
export const formatDuration = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)} s` : `${n} ms`);
