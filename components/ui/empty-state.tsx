/** What an empty list or chart says: what would be here, and how to get it there. */
export function EmptyState({ title, children, action, testId }: { title: string; children?: React.ReactNode; action?: React.ReactNode; testId?: string }) {
  return (
    <div data-testid={testId} className="flex flex-col items-center justify-center gap-2 rounded-lg border border-dashed px-6 py-10 text-center">
      <p className="font-medium">{title}</p>
      {children && <div className="max-w-md text-sm text-muted">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}
