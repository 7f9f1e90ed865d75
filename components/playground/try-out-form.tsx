/** The form beside a try-out's result: submitting runs the call, never reloads the page. */
export function TryOutForm({ onSubmit, className = "space-y-4", children }: { onSubmit: () => unknown; className?: string; children: React.ReactNode }) {
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** A small labelled multi-line field of a try-out form. */
export function TryOutTextArea({ id, label, value, onChange, rows, children }: { id: string; label: string; value: string; onChange: (value: string) => void; rows: number; children?: React.ReactNode }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-xs font-medium text-muted">
        {label}
      </label>
      <textarea id={id} data-testid={id} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} className="block w-full rounded-md border border-field-border bg-field p-2 text-sm" />
      {children}
    </div>
  );
}
