import type { BackendForm } from "@/lib/backends/backend-schema";
import { addBackend, editBackend, listBackendsPublic, setBackendEnabled } from "@/lib/backends/registry";
import { type BackendTestResult, testBackend } from "@/lib/backends/test-call";
import { getGatewayRuntime } from "@/lib/gateway";
import { safeSummary } from "@/lib/gateway/scrub";
import { listModels } from "@/lib/models/manage";
import { requirePlatformAdmin } from "./admin";
import type { Caller } from "./authz";

const WHAT = "manage backends";

/** Live state of one backend in this instance's gateway: health, circuit, requests in flight, recent latency. */
export interface BackendLive {
  id: string;
  healthy: boolean;
  circuit: string;
  inFlight: number;
  /** Why its last check or call failed, scrubbed like the gateway's errors. */
  lastError: string | null;
  lastCheckedAt: number | null;
  latency: { calls: number; lastMs: number; p50Ms: number; p95Ms: number } | null;
}

/** What the backends page polls: the state this instance's gateway holds for each backend. */
export function backendStatusAs(caller: Caller): BackendLive[] {
  requirePlatformAdmin(caller, WHAT);
  const { catalogue, router } = getGatewayRuntime().gateway.options;
  return catalogue.backendList().map((b) => {
    const s = router.status(b.id);
    const lastError = s.lastError === null ? null : (safeSummary(s.lastError, [b.apiKey, b.baseUrl]) ?? "failed");
    return { id: b.id, healthy: s.healthy, circuit: s.circuit, inFlight: s.inFlight, lastError, lastCheckedAt: s.lastCheckedAt, latency: s.latency };
  });
}

/** Every backend without its key, with the models it serves. */
export async function listBackendsAs(caller: Caller) {
  requirePlatformAdmin(caller, WHAT);
  const [backends, models] = await Promise.all([listBackendsPublic(), listModels()]);
  return backends.map((b) => ({
    ...b,
    models: models.filter((m) => m.backends.some((x) => x.id === b.id)).map((m) => m.id),
  }));
}

export async function addBackendAs(caller: Caller, form: BackendForm) {
  requirePlatformAdmin(caller, WHAT);
  const b = await addBackend(form);
  return { id: b.id, name: b.name };
}

export async function editBackendAs(caller: Caller, id: string, form: Partial<BackendForm>) {
  requirePlatformAdmin(caller, WHAT);
  const b = await editBackend({ id }, form);
  return { id: b.id, name: b.name };
}

export async function setBackendEnabledAs(caller: Caller, id: string, enabled: boolean) {
  requirePlatformAdmin(caller, WHAT);
  const b = await setBackendEnabled({ id }, enabled);
  return { id: b.id, enabled: b.enabled };
}

export async function testBackendAs(caller: Caller, id: string): Promise<BackendTestResult> {
  requirePlatformAdmin(caller, WHAT);
  return testBackend({ id }, getGatewayRuntime().gateway.options.router);
}
