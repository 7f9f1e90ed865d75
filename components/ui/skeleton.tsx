/** A grey block where content is loading, the size of what will come, so nothing moves when it arrives. */
export function Skeleton({ className = "" }: { className?: string }) {
  return <div aria-hidden="true" className={`animate-pulse rounded-md bg-accent ${className}`} />;
}

/** A loading page: the header and blocks of the page's shape, announced once to screen readers. */
export function PageSkeleton({ blocks = ["h-24", "h-72", "h-64"] }: { blocks?: string[] }) {
  return (
    <div className="mx-auto w-full max-w-7xl space-y-6 px-4 py-6 sm:px-6 sm:py-8" role="status" aria-live="polite">
      <span className="sr-only">Loading…</span>
      <div className="space-y-2">
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-4 w-80 max-w-full" />
      </div>
      {blocks.map((b, i) => (
        <Skeleton key={i} className={`${b} w-full`} />
      ))}
    </div>
  );
}
