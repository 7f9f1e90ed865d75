/** One headline figure with its label and an optional line of context. */
export function StatTile({ label, value, detail, testId }: { label: string; value: React.ReactNode; detail?: React.ReactNode; testId?: string }) {
  return (
    <div className="min-w-0 rounded-lg border bg-surface p-4 shadow-xs">
      <p className="text-sm text-muted">{label}</p>
      <p data-testid={testId} className="mt-1 truncate text-2xl font-semibold tabular-nums tracking-tight">
        {value}
      </p>
      {detail && <p className="mt-1 text-xs text-muted">{detail}</p>}
    </div>
  );
}
