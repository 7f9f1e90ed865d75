"use client";

import type { SnippetLanguage } from "./snippets";

export const SNIPPET_LANGUAGES: { id: SnippetLanguage; label: string }[] = [
  { id: "curl", label: "curl" },
  { id: "python", label: "Python" },
  { id: "javascript", label: "JavaScript" },
];

/** The curl / Python / JavaScript switch above a code snippet. */
export function LanguageTabs({ value, onChange, testIdPrefix }: { value: SnippetLanguage; onChange: (l: SnippetLanguage) => void; testIdPrefix: string }) {
  return (
    <div role="tablist" aria-label="Language" className="flex gap-1">
      {SNIPPET_LANGUAGES.map((l) => (
        <button
          key={l.id}
          type="button"
          role="tab"
          aria-selected={value === l.id}
          data-testid={`${testIdPrefix}-${l.id}`}
          onClick={() => onChange(l.id)}
          className="rounded-md px-3 py-1 text-sm text-muted hover:bg-accent aria-selected:bg-accent aria-selected:font-medium aria-selected:text-foreground"
        >
          {l.label}
        </button>
      ))}
    </div>
  );
}
