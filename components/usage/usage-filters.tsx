"use client";

import Form from "next/form";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { RANGE_LABELS, RANGES } from "@/lib/console/usage-range";

const field = "h-9 rounded-md border border-field-border bg-field px-2 text-sm shadow-xs";
const submit = (e: React.ChangeEvent<HTMLSelectElement>) => e.currentTarget.form?.requestSubmit();

/** Range and filters of the usage page, kept in the address so a view can be shared and reloaded. */
export function UsageFilters({
  range,
  from,
  to,
  by,
  filters,
  choices,
  everyone,
}: {
  range: string;
  from: string;
  to: string;
  by: string;
  filters: { model: string; key: string; user: string };
  choices: { models: string[]; keys: { id: string; label: string }[]; users: { id: string; label: string }[] };
  everyone: boolean;
}) {
  const [name, setName] = useState(range);
  return (
    <Form action="/usage" className="flex flex-wrap items-end gap-2" data-testid="usage-filters">
      <input type="hidden" name="by" value={by} />
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Range
        <select
          name="range"
          value={name}
          className={field}
          data-testid="usage-range"
          onChange={(e) => {
            setName(e.target.value);
            if (e.target.value !== "custom") submit(e);
          }}
        >
          {RANGES.map((r) => (
            <option key={r} value={r}>
              {RANGE_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      {name === "custom" && (
        <>
          <label className="flex flex-col gap-1 text-xs font-medium text-muted">
            From
            <input type="date" name="from" defaultValue={from} className={field} data-testid="usage-from" required />
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium text-muted">
            To
            <input type="date" name="to" defaultValue={to} className={field} data-testid="usage-to" required />
          </label>
        </>
      )}
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Model
        <select name="model" defaultValue={filters.model} className={`${field} max-w-48`} data-testid="usage-model" onChange={submit}>
          <option value="">All models</option>
          {choices.models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Key
        <select name="key" defaultValue={filters.key} className={`${field} max-w-56`} data-testid="usage-key" onChange={submit}>
          <option value="">All keys</option>
          {choices.keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      {everyone && (
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          User
          <select name="user" defaultValue={filters.user} className={`${field} max-w-56`} data-testid="usage-user" onChange={submit}>
            <option value="">Everyone</option>
            {choices.users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <Button type="submit" variant="secondary" data-testid="usage-apply">
        Apply
      </Button>
    </Form>
  );
}
