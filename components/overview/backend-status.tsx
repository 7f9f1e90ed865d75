import { BackendHealth } from "@/components/catalogue/backend-health";
import { Card, CardTitle } from "@/components/ui/card";
import type { ConsoleBackend, ConsoleModel } from "@/lib/console/catalogue";

/** The backends behind the models the viewer can use, each once, with its health now. */
export function BackendStatus({ models }: { models: ConsoleModel[] }) {
  const byName = new Map<string, { backend: ConsoleBackend; models: number }>();
  for (const m of models) {
    for (const b of m.backends) {
      const entry = byName.get(b.name) ?? { backend: b, models: 0 };
      entry.models++;
      byName.set(b.name, entry);
    }
  }
  const backends = [...byName.values()].sort((a, b) => a.backend.name.localeCompare(b.backend.name));
  return (
    <Card data-testid="backend-status">
      <CardTitle description="Inference servers answering for your models; checked every 10 seconds.">Backends</CardTitle>
      {backends.length === 0 ? (
        <p className="text-sm text-muted">None yet: a backend appears here once it serves a model.</p>
      ) : (
        <ul className="divide-y text-sm">
          {backends.map(({ backend, models: count }) => (
            <li key={backend.name} className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 py-2.5">
              <BackendHealth backend={backend} />
              <span className="text-xs text-muted">
                {backend.engine === "embedded" ? "built-in engine" : backend.engine} · {count} model{count === 1 ? "" : "s"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
