/** The product's mark and name. */
export function Brand() {
  return (
    <span className="inline-flex items-center gap-2 font-semibold tracking-tight">
      <svg viewBox="0 0 24 24" aria-hidden="true" className="size-6 rounded-md bg-primary p-1 text-primary-foreground">
        <path d="M5 18V6M10 18V10M15 18V8M20 18V12" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
      </svg>
      llmaas
    </span>
  );
}
