import { backendState } from "@/components/catalogue/backend-health";
import { Badge } from "@/components/ui/badge";
import type { BackendLive } from "@/lib/console/backends";
import { formatMs } from "@/lib/format";

const TONES = { ok: "success", warn: "warning", down: "danger" } as const;

/** A backend's state in one word, with why when it is down. */
export function BackendStateBadge({ enabled, live }: { enabled: boolean; live: BackendLive | undefined }) {
  if (!enabled) return <Badge testId="backend-live-state">disabled</Badge>;
  if (!live || (live.lastCheckedAt === null && live.latency === null)) return <Badge testId="backend-live-state">checking…</Badge>;
  const state = backendState({ enabled, healthy: live.healthy, circuit: live.circuit });
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Badge tone={TONES[state.tone]} testId="backend-live-state">
        {state.label}
      </Badge>
      {live.lastError && state.tone !== "ok" && <span className="max-w-48 text-xs whitespace-normal text-muted">{live.lastError}</span>}
    </span>
  );
}

/** The circuit breaker in words a person reads. */
export const circuitText = (live: BackendLive | undefined) => (!live ? "—" : live.circuit === "closed" ? "closed" : live.circuit === "open" ? "open (no traffic)" : "half-open (trying)");

/** Recent latency to the answer's start: median and 95th percentile of the last calls. */
export function LatencyText({ live }: { live: BackendLive | undefined }) {
  if (!live?.latency) return <span className="whitespace-nowrap text-muted">no calls yet</span>;
  const l = live.latency;
  return (
    <span className="inline-flex flex-col items-end whitespace-nowrap" title={`last ${formatMs(l.lastMs)}, over ${l.calls} calls in the last 5 minutes`}>
      <span>
        {formatMs(l.p50Ms)} <span className="text-muted">p50</span>
      </span>
      <span>
        {formatMs(l.p95Ms)} <span className="text-muted">p95</span>
      </span>
    </span>
  );
}
