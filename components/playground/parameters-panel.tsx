"use client";

import { useId } from "react";
import { DEFAULT_PARAMS, type Params, defaultMaxTokens } from "./chat-types";

function Slider({
  label,
  value,
  min,
  max,
  step,
  onChange,
  testId,
  hint,
  defaultValue,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (v: number) => void;
  testId: string;
  hint: string;
  /** The reference's value, shown beside the label while the value is it. */
  defaultValue: number;
}) {
  const id = useId();
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-xs font-medium" title={hint}>
          {label}
          {value === defaultValue && <span className="ml-1.5 font-normal text-muted" data-testid={`${testId}-default`}>default</span>}
        </label>
        <input
          type="number"
          aria-label={`${label} value`}
          data-testid={`${testId}-value`}
          value={value}
          min={min}
          max={max}
          step={step}
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isFinite(v)) onChange(Math.min(max, Math.max(min, v)));
          }}
          className="h-7 w-16 rounded border border-field-border bg-field px-1.5 text-right text-xs tabular-nums"
        />
      </div>
      <input
        id={id}
        type="range"
        data-testid={testId}
        min={min}
        max={max}
        step={step}
        value={value}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(Number(e.target.value))}
        className="w-full accent-current"
      />
      <p id={`${id}-hint`} className="sr-only">
        {hint}
      </p>
    </div>
  );
}

function OptionalNumber({
  label,
  value,
  onChange,
  testId,
  placeholder,
  min,
  max,
}: {
  label: string;
  value: number | null;
  onChange: (v: number | null) => void;
  testId: string;
  placeholder: string;
  min?: number;
  max?: number;
}) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium">
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        data-testid={testId}
        value={value ?? ""}
        min={min}
        max={max}
        step={1}
        placeholder={placeholder}
        onChange={(e) => {
          const raw = e.target.value.trim();
          const v = Number(raw);
          onChange(raw === "" || !Number.isFinite(v) ? null : Math.trunc(v));
        }}
        className="block h-8 w-full rounded-md border border-field-border bg-field px-2 text-sm placeholder:text-muted"
      />
    </div>
  );
}

/** Sampling parameters with the reference's ranges and defaults; the output cap stops at the model's context. */
export function ParametersPanel({ params, onChange, maxModelLen }: { params: Params; onChange: (p: Params) => void; maxModelLen?: number }) {
  const set = <K extends keyof Params>(k: K, v: Params[K]) => onChange({ ...params, [k]: v });
  const stopId = useId();
  const changed = JSON.stringify(params) !== JSON.stringify(DEFAULT_PARAMS);
  return (
    <div className="space-y-3" data-testid="parameters-panel">
      <Slider label="Temperature" value={params.temperature} min={0} max={2} step={0.05} onChange={(v) => set("temperature", v)} testId="param-temperature" hint="Higher is more random; 0 is nearly deterministic. Default 0.7." defaultValue={DEFAULT_PARAMS.temperature} />
      <Slider label="Top P" value={params.top_p} min={0} max={1} step={0.01} onChange={(v) => set("top_p", v)} testId="param-top-p" hint="Sample only from the most likely tokens whose probabilities add up to this. Default 1." defaultValue={DEFAULT_PARAMS.top_p} />
      <OptionalNumber
        label="Maximum tokens"
        value={params.max_tokens}
        min={1}
        max={maxModelLen}
        onChange={(v) => set("max_tokens", v === null || v < 1 ? null : v)}
        testId="param-max-tokens"
        placeholder={`${defaultMaxTokens(maxModelLen)} (default)`}
      />
      <Slider label="Presence penalty" value={params.presence_penalty} min={-2} max={2} step={0.1} onChange={(v) => set("presence_penalty", v)} testId="param-presence-penalty" hint="Positive values favour new topics. Default 0." defaultValue={DEFAULT_PARAMS.presence_penalty} />
      <Slider label="Frequency penalty" value={params.frequency_penalty} min={-2} max={2} step={0.1} onChange={(v) => set("frequency_penalty", v)} testId="param-frequency-penalty" hint="Positive values discourage repeating the same words. Default 0." defaultValue={DEFAULT_PARAMS.frequency_penalty} />
      <div className="space-y-1">
        <label htmlFor={stopId} className="block text-xs font-medium">
          Stop sequences
        </label>
        <input
          id={stopId}
          data-testid="param-stop"
          defaultValue={params.stop.join(", ")}
          key={params.stop.join("\u0000")}
          placeholder="Comma-separated, up to 4"
          onBlur={(e) =>
            set(
              "stop",
              e.target.value
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean)
                .slice(0, 4),
            )
          }
          className="block h-8 w-full rounded-md border border-field-border bg-field px-2 text-sm placeholder:text-muted"
        />
      </div>
      <OptionalNumber label="Seed" value={params.seed} onChange={(v) => set("seed", v)} testId="param-seed" placeholder="Random" />
      {changed && (
        <button type="button" data-testid="params-reset" onClick={() => onChange(DEFAULT_PARAMS)} className="text-xs text-muted underline underline-offset-2 hover:text-foreground">
          Reset to defaults
        </button>
      )}
    </div>
  );
}
