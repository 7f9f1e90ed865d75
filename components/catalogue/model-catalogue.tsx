"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { CAPABILITIES, type Capability } from "@/lib/models/capabilities";
import type { ConsoleModel } from "@/lib/console/catalogue";
import { BackendHealth } from "./backend-health";
import { priceLines } from "./prices";

const fmt = new Intl.NumberFormat("en-US");

/** Every model the user may call, with a capability filter and a search over ids, aliases and descriptions. */
export function ModelCatalogue({ models }: { models: ConsoleModel[] }) {
  const [query, setQuery] = useState("");
  const [capability, setCapability] = useState<Capability | "all">("all");
  const present = CAPABILITIES.filter((c) => models.some((m) => m.capabilities.includes(c)));
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return models.filter(
      (m) =>
        (capability === "all" || m.capabilities.includes(capability)) &&
        (!q || [m.id, ...m.aliases, m.description, m.ownedBy].some((s) => s.toLowerCase().includes(q))),
    );
  }, [models, query, capability]);

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
        <label htmlFor="model-search" className="sr-only">
          Search models
        </label>
        <input
          id="model-search"
          type="search"
          data-testid="catalogue-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search by name, alias or description"
          className="h-9 w-full rounded-md border border-field-border bg-field px-3 text-sm shadow-xs placeholder:text-muted sm:max-w-xs"
        />
        <div role="group" aria-label="Capability" className="flex flex-wrap gap-1">
          {(["all", ...present] as const).map((c) => (
            <button
              key={c}
              type="button"
              aria-pressed={capability === c}
              data-testid={`catalogue-filter-${c}`}
              onClick={() => setCapability(c)}
              className="rounded-full border px-3 py-1 text-xs text-muted hover:bg-accent aria-pressed:border-foreground aria-pressed:bg-foreground aria-pressed:text-background"
            >
              {c === "all" ? "All" : c}
            </button>
          ))}
        </div>
      </div>
      <p className="text-xs text-muted" data-testid="catalogue-count" aria-live="polite">
        {shown.length} of {models.length} model{models.length === 1 ? "" : "s"}
      </p>
      {shown.length === 0 ? (
        <div className="rounded-lg border border-dashed p-8 text-center text-sm text-muted" data-testid="catalogue-empty">
          No model matches.{" "}
          <button type="button" className="underline underline-offset-2" onClick={() => (setQuery(""), setCapability("all"))} data-testid="catalogue-clear">
            Clear the filters
          </button>
        </div>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2" data-testid="catalogue-list">
          {shown.map((m) => (
            <li key={m.id} className="flex flex-col gap-3 rounded-lg border bg-surface p-4 shadow-xs" data-testid="catalogue-model">
              <div className="flex items-start justify-between gap-3">
                <div className="min-w-0">
                  <Link href={`/models/${encodeURIComponent(m.id)}`} className="font-semibold break-all hover:underline" data-testid="catalogue-model-link">
                    {m.id}
                  </Link>
                  {m.aliases.length > 0 && <p className="text-xs text-muted">also {m.aliases.join(", ")}</p>}
                </div>
                <span className="shrink-0 text-xs text-muted">{fmt.format(m.maxModelLen)} ctx</span>
              </div>
              {m.description && <p className="text-sm text-muted">{m.description}</p>}
              <div className="flex flex-wrap gap-1">
                {m.capabilities.map((c) => (
                  <span key={c} className="rounded border px-1.5 py-px text-[11px]" data-testid="catalogue-capability">
                    {c}
                  </span>
                ))}
              </div>
              <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
                {priceLines(m.capabilities, m.prices).map((p) => (
                  <div key={p.unit} className="contents">
                    <dt className="text-muted">{p.label}</dt>
                    <dd className="tabular-nums" data-testid={`price-${p.unit}`}>
                      {p.value}
                    </dd>
                  </div>
                ))}
              </dl>
              <div className="mt-auto flex flex-wrap gap-x-4 gap-y-1 border-t pt-3">
                {m.backends.length === 0 ? <span className="text-xs text-muted">No backend</span> : m.backends.map((b) => <BackendHealth key={b.name} backend={b} />)}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
