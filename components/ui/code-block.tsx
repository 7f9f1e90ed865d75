import { CopyButton } from "./copy-button";

/** A command or snippet to paste elsewhere, with a copy button. */
export function CodeBlock({ label, code, testId }: { label: string; code: string; testId: string }) {
  return (
    <figure className="overflow-hidden rounded-md border bg-surface-sunken">
      <figcaption className="flex items-center justify-between border-b px-3 py-1.5 text-xs text-muted">
        <span>{label}</span>
        <CopyButton text={code} what={label.toLowerCase()} testId={`${testId}-copy`} />
      </figcaption>
      <pre className="scroll-cue overflow-x-auto p-3 text-[13px] leading-relaxed" tabIndex={0}>
        <code data-testid={testId}>{code}</code>
      </pre>
    </figure>
  );
}
