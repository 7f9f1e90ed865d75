"use client";

import { useId } from "react";
import type { Capability } from "@/lib/models/capabilities";
import type { ConsoleModel } from "@/lib/console/catalogue";

const LABELS: Partial<Record<Capability, string>> = { vision: "images", tools: "tools" };

/** What a chat model can do beyond text, in the words the picker shows. */
export function extrasOf(model: ConsoleModel): string[] {
  return (["vision", "tools"] as const).filter((c) => model.capabilities.includes(c)).map((c) => LABELS[c]!);
}

export function CapabilityBadges({ model }: { model: ConsoleModel }) {
  return (
    <span className="flex flex-wrap gap-1">
      {model.capabilities.map((c) => (
        <span key={c} className="rounded border px-1.5 py-px text-[11px] text-muted" data-testid={`capability-${c}`}>
          {c}
        </span>
      ))}
    </span>
  );
}

/** A native select (keyboard and screen readers for free), listing what each model can do. */
export function ModelPicker({
  models,
  value,
  onChange,
  testId,
  label = "Model",
  disabled,
}: {
  models: ConsoleModel[];
  value: string;
  onChange: (id: string) => void;
  testId: string;
  label?: string;
  disabled?: boolean;
}) {
  const id = useId();
  const selected = models.find((m) => m.id === value);
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-xs font-medium text-muted">
        {label}
      </label>
      <select
        id={id}
        data-testid={testId}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        className="block h-9 w-full rounded-md border border-field-border bg-field px-2 text-sm shadow-xs"
      >
        {models.map((m) => {
          const extras = extrasOf(m);
          return (
            <option key={m.id} value={m.id}>
              {m.id}
              {extras.length ? ` (${extras.join(", ")})` : ""}
            </option>
          );
        })}
      </select>
      {selected && (
        <p className="text-[11px] text-muted" data-testid={`${testId}-hint`}>
          {selected.capabilities.includes("chat")
            ? `${selected.capabilities.includes("vision") ? "Reads images" : "Text only"}${selected.capabilities.includes("tools") ? " · calls tools" : ""} · `
            : ""}
          {new Intl.NumberFormat("en-US").format(selected.maxModelLen)} tokens of context
        </p>
      )}
    </div>
  );
}
