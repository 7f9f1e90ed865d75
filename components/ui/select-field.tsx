import { useId } from "react";
import { FieldMessages } from "./text-field";

/** A labelled native select: keyboard and screen readers work as everywhere else. */
export function SelectField({
  label,
  hint,
  error,
  testId,
  options,
  ...select
}: Omit<React.ComponentProps<"select">, "id"> & { label: string; hint?: string; error?: string; testId: string; options: { value: string; label: string }[] }) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <select
        id={id}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className="block h-9 w-full rounded-md border border-field-border bg-field px-2 text-sm shadow-xs aria-invalid:border-danger"
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessages id={id} hint={hint} error={error} testId={testId} />
    </div>
  );
}
