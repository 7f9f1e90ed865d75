"use client";

import Form from "next/form";
import Link from "next/link";
import { Button } from "./button";

const field = "h-9 rounded-md border border-field-border bg-field px-2 text-sm shadow-xs";
const labelClass = "flex flex-col gap-1 text-xs font-medium text-muted";

/**
 * The filters above a list, sent as the page's address (a GET form): a
 * choice applies at once, a search when submitted. The sort is kept; the
 * page starts again at the top.
 */
export function ListFilters({
  action,
  testId,
  keep = {},
  clearHref,
  children,
}: {
  action: string;
  testId: string;
  /** Parameters the filters keep as they are (the sort). */
  keep?: Record<string, string>;
  /** Where "Clear filters" goes, when some filter is set. */
  clearHref: string | null;
  children: React.ReactNode;
}) {
  return (
    <Form action={action} className="flex flex-wrap items-end gap-2" data-testid={testId}>
      {Object.entries(keep).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
      {children}
      <Button type="submit" variant="secondary">
        Filter
      </Button>
      {clearHref && (
        <Link href={clearHref} className="h-9 px-2 text-sm leading-9 text-muted underline-offset-2 hover:underline" data-testid={`${testId}-clear`}>
          Clear filters
        </Link>
      )}
    </Form>
  );
}

export function FilterSelect({ name, label, value, options, testId }: { name: string; label: string; value: string; options: { value: string; label: string }[]; testId: string }) {
  return (
    <label className={labelClass}>
      {label}
      <select name={name} defaultValue={value} className={`${field} max-w-56`} data-testid={testId} onChange={(e) => e.currentTarget.form?.requestSubmit()}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function FilterSearch({ name, label, value, placeholder = "Search", testId }: { name: string; label: string; value: string; placeholder?: string; testId: string }) {
  return (
    <label className={labelClass}>
      {label}
      <input type="search" name={name} defaultValue={value} placeholder={placeholder} className={`${field} w-48`} data-testid={testId} />
    </label>
  );
}
