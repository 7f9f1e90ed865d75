"use client";

import { useEffect, useState } from "react";

const tones = { warning: "border-warning-border bg-warning-surface text-warning", danger: "border-danger-border bg-danger-surface text-danger" } as const;

/** A notice across the top of the console that stays dismissed (in this browser) once closed. */
export function DismissibleBanner({ id, tone, children }: { id: string; tone: keyof typeof tones; children: React.ReactNode }) {
  const [hidden, setHidden] = useState(false);
  useEffect(() => setHidden(localStorage.getItem(id) === "dismissed"), [id]);
  if (hidden) return null;
  return (
    <div role="status" data-testid="budget-alert-banner" className={`flex items-start justify-between gap-3 border-b px-4 py-2 text-sm sm:px-6 ${tones[tone]}`}>
      <p>{children}</p>
      <button
        type="button"
        data-testid="budget-alert-dismiss"
        aria-label="Dismiss this alert"
        className="shrink-0 rounded px-2 text-lg leading-none hover:bg-black/5"
        onClick={() => {
          localStorage.setItem(id, "dismissed");
          setHidden(true);
        }}
      >
        ×
      </button>
    </div>
  );
}
