import { CopyButton } from "./copy-button";

/** A command or snippet to paste elsewhere, with a copy button. */
export function CodeBlock({ label, code, testId }: { label: string; code: string; testId: string }) {
  return (
    <figure className="overflow-hidden rounded-md border bg-surface-sunken">
      <figcaption className="flex items-center justify-between border-b px-3 py-1.5 text-xs text-muted">
        <span>{label}</span>
        <CopyButton text={code} what={label.toLowerCase()} testId={`${testId}-copy`} />
      </figcaption>
      {/* Focusable, so that a keyboard can scroll a long line into view. */}
      <pre tabIndex={0} role="region" aria-label={`${label} snippet`} className="scroll-cue overflow-x-auto p-3 text-[13px] leading-relaxed focus-visible:-outline-offset-2">
        <code data-testid={testId}>{code}</code>
      </pre>
    </figure>
  );
}
