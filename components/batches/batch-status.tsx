const STYLES: Record<string, { label: string; className: string }> = {
  validating: { label: "Validating", className: "border-sky-300 bg-sky-50 text-sky-800 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-200" },
  in_progress: { label: "In progress", className: "border-sky-300 bg-sky-50 text-sky-800 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-200" },
  finalizing: { label: "Finalizing", className: "border-sky-300 bg-sky-50 text-sky-800 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-200" },
  completed: { label: "Completed", className: "border-success-border bg-success-surface text-success" },
  failed: { label: "Failed", className: "border-danger-border bg-danger-surface text-danger" },
  expired: { label: "Expired", className: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200" },
  cancelling: { label: "Cancelling", className: "border-field-border bg-surface-sunken text-muted" },
  cancelled: { label: "Cancelled", className: "border-field-border bg-surface-sunken text-muted" },
};

export function BatchStatus({ status }: { status: string }) {
  const s = STYLES[status] ?? { label: status, className: "" };
  return (
    <span data-testid="batch-status" className={`inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap ${s.className}`}>
      {s.label}
    </span>
  );
}
