export function Card({ className = "", ...props }: React.ComponentProps<"section">) {
  return <section className={`rounded-lg border bg-surface p-4 shadow-xs sm:p-6 ${className}`} {...props} />;
}

export function CardTitle({ children, description }: { children: React.ReactNode; description?: React.ReactNode }) {
  return (
    <header className="mb-4 space-y-1">
      <h2 className="text-base font-semibold">{children}</h2>
      {description && <p className="text-sm text-muted">{description}</p>}
    </header>
  );
}
