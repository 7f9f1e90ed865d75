/** The page's frame while its batches load: same header, rows as placeholders. */
export default function Loading() {
  return (
    <div className="mx-auto w-full max-w-6xl space-y-6 px-4 py-8 sm:px-6" aria-busy="true">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Batches</h1>
        <p className="text-sm text-muted">Requests your account runs in the background at batch prices, with their progress, cost and results.</p>
      </header>
      <div className="space-y-3 rounded-lg border bg-surface p-4 shadow-xs">
        {[0, 1, 2].map((i) => (
          <div key={i} className="h-12 animate-pulse rounded-md bg-surface-sunken" />
        ))}
      </div>
    </div>
  );
}
