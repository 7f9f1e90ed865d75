/** A batch's file, downloaded through the console (which checks it belongs to the signed-in account). */
export function FileLink({ id, label, testId }: { id: string | null; label: string; testId: string }) {
  if (!id) return null;
  return (
    <a
      href={`/api/console/v1/files/${encodeURIComponent(id)}/content`}
      download={`${id}.jsonl`}
      data-testid={testId}
      className="inline-flex h-7 items-center gap-1 rounded-md border px-2 text-xs font-medium hover:bg-accent focus-visible:outline-2"
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5" fill="currentColor">
        <path d="M8 1.5a.75.75 0 0 1 .75.75v6.69l2.22-2.22a.75.75 0 1 1 1.06 1.06l-3.5 3.5a.75.75 0 0 1-1.06 0l-3.5-3.5a.75.75 0 0 1 1.06-1.06l2.22 2.22V2.25A.75.75 0 0 1 8 1.5ZM2.75 12.5a.75.75 0 0 1 .75.75v.25h9v-.25a.75.75 0 0 1 1.5 0v1a.75.75 0 0 1-.75.75H2.75a.75.75 0 0 1-.75-.75v-1a.75.75 0 0 1 .75-.75Z" />
      </svg>
      {label}
    </a>
  );
}
