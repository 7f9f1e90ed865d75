"use client";

import { useState } from "react";

const labels = { idle: "Copy", copied: "Copied", failed: "Select and copy" } as const;

/** Copies text to the clipboard; browsers refuse on plain http to other hosts, so failure says what to do instead. */
export function CopyButton({ text, testId, what }: { text: string; testId: string; what: string }) {
  const [state, setState] = useState<keyof typeof labels>("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 2000);
  }

  return (
    <button
      type="button"
      onClick={copy}
      data-testid={testId}
      aria-label={`Copy ${what}`}
      className="rounded px-2 py-0.5 text-xs font-medium text-muted hover:bg-accent hover:text-foreground"
    >
      <span aria-live="polite">{labels[state]}</span>
    </button>
  );
}
