const tones = {
  error: "border-danger-border bg-danger-surface text-danger",
  notice: "border-success-border bg-success-surface text-success",
} as const;

/** A message above a form: errors are announced at once, notices politely. */
export function Alert({ tone, testId, children }: { tone: keyof typeof tones; testId: string; children: React.ReactNode }) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      data-testid={testId}
      className={`rounded-md border px-3 py-2 text-sm ${tones[tone]}`}
    >
      {children}
    </div>
  );
}
