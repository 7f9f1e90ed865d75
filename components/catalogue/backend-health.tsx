import type { ConsoleBackend } from "@/lib/console/catalogue";

/** One word for a backend's state, from its health check and circuit breaker. */
export function backendState(b: Pick<ConsoleBackend, "enabled" | "healthy" | "circuit">): { label: string; tone: "ok" | "warn" | "down" } {
  if (!b.enabled) return { label: "disabled", tone: "down" };
  if (!b.healthy) return { label: "unreachable", tone: "down" };
  if (b.circuit === "open") return { label: "failing", tone: "down" };
  if (b.circuit === "half-open") return { label: "recovering", tone: "warn" };
  return { label: "healthy", tone: "ok" };
}

const dot = { ok: "bg-emerald-500", warn: "bg-amber-500", down: "bg-red-500" } as const;

export function BackendHealth({ backend, detailed }: { backend: ConsoleBackend; detailed?: boolean }) {
  const state = backendState(backend);
  return (
    <span className="inline-flex items-center gap-1.5 text-xs" data-testid="backend-health" title={`${backend.engine} on ${backend.machine}: ${state.label}`}>
      <span aria-hidden="true" className={`size-2 rounded-full ${dot[state.tone]}`} />
      <span className="font-medium">{backend.name}</span>
      <span className="text-muted" data-testid="backend-state">
        {state.label}
        {detailed ? ` · ${backend.engine} on ${backend.machine} · ${backend.inFlight} in flight` : ""}
      </span>
    </span>
  );
}
