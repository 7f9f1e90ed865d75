import { useId } from "react";

/** A labelled input with its validation message, tied together for screen readers. */
export function TextField({
  label,
  hint,
  error,
  testId,
  ...input
}: Omit<React.ComponentProps<"input">, "id"> & { label: string; hint?: string; error?: string; testId: string }) {
  const id = useId();
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="block h-9 w-full rounded-md border border-field-border bg-field px-3 text-sm shadow-xs placeholder:text-muted aria-invalid:border-danger"
        {...input}
      />
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} data-testid={`${testId}-error`} className="text-xs text-danger">
          {error}
        </p>
      )}
    </div>
  );
}
