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
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
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
      <FieldMessages id={id} hint={hint} error={error} testId={testId} />
    </div>
  );
}

/** A field's hint, or its error in its place; ids as aria-describedby names them. */
export function FieldMessages({ id, hint, error, testId }: { id: string; hint?: string; error?: string; testId: string }) {
  if (error) {
    return (
      <p id={`${id}-error`} data-testid={`${testId}-error`} className="text-xs text-danger">
        {error}
      </p>
    );
  }
  return hint ? (
    <p id={`${id}-hint`} className="text-xs text-muted">
      {hint}
    </p>
  ) : null;
}
