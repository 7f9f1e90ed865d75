"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { setBackendEnabledAction } from "@/app/(console)/backends/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { type Column, DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ENGINE_LABELS } from "@/lib/backends/backend-schema";
import type { BackendLive } from "@/lib/console/backends";
import { formatCount } from "@/lib/format";
import { BackendDialog, type BackendView } from "./backend-dialog";
import { BackendStateBadge, LatencyText, circuitText } from "./backend-live";
import { BackendTestDialog } from "./backend-test-dialog";
import { ConfirmDialog } from "./confirm-dialog";
import { useBackendStatus } from "./use-backend-status";

type Open = { kind: "edit"; backend: BackendView | null } | { kind: "test"; backend: BackendView } | { kind: "disable"; backend: BackendView } | null;

/** Every backend with its live state, and what a superadmin does with one: test, edit, disable or enable. */
export function BackendsView({ backends, initial }: { backends: BackendView[]; initial: BackendLive[] }) {
  const router = useRouter();
  const { live, stale } = useBackendStatus(initial);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const show = (o: Open) => {
    setNotice(null);
    setFailure(null);
    setOpen(o);
  };
  const enable = async (b: BackendView) => {
    setNotice(null);
    const r = await setBackendEnabledAction(b.id, true);
    if (r.ok) {
      setNotice(`${b.name} is enabled: it gets traffic again within a second.`);
      router.refresh();
    } else setFailure(r.error.message);
  };

  const actions = (b: BackendView) => (
    <>
      <Button variant="ghost" className="h-8 px-2" onClick={() => show({ kind: "test", backend: b })} data-testid="backend-test" aria-label={`Test ${b.name}`}>
        Test
      </Button>
      {b.engine !== "embedded" && (
        <Button variant="ghost" className="h-8 px-2" onClick={() => show({ kind: "edit", backend: b })} data-testid="backend-edit" aria-label={`Edit ${b.name}`}>
          Edit
        </Button>
      )}
      {b.enabled ? (
        <Button variant="ghost-danger" className="h-8 px-2" onClick={() => show({ kind: "disable", backend: b })} data-testid="backend-disable" aria-label={`Disable ${b.name}`}>
          Disable
        </Button>
      ) : (
        <Button variant="ghost" className="h-8 px-2" onClick={() => void enable(b)} data-testid="backend-enable" aria-label={`Enable ${b.name}`}>
          Enable
        </Button>
      )}
    </>
  );
  const models = (b: BackendView) =>
    b.models.length === 0 ? <span className="text-muted">None yet</span> : <span title={b.models.join(", ")}>{b.models.length <= 2 ? b.models.join(", ") : `${b.models.slice(0, 2).join(", ")} +${b.models.length - 2}`}</span>;
  const key = (b: BackendView) => <Badge tone={b.upstreamKey === "set" ? "info" : "neutral"}>{b.upstreamKey === "set" ? "key set" : "no key"}</Badge>;
  const columns: Column<BackendView>[] = [
    {
      id: "name",
      header: "Backend",
      className: "max-w-72",
      cell: (b) => (
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <span className="truncate font-medium">{b.name}</span>
            {key(b)}
          </div>
          <div className="truncate font-mono text-xs font-normal text-muted" title={b.baseUrl}>
            {b.baseUrl}
          </div>
          <div className="text-xs font-normal text-muted">{ENGINE_LABELS[b.engine]}</div>
        </div>
      ),
    },
    { id: "machine", header: "Machine", className: "whitespace-nowrap", cell: (b) => b.machineName },
    { id: "models", header: "Models", className: "max-w-48", cell: models },
    { id: "state", header: "State", cell: (b) => <BackendStateBadge enabled={b.enabled} live={live.get(b.id)} /> },
    { id: "circuit", header: "Circuit", cell: (b) => <span data-testid="backend-circuit">{b.enabled ? circuitText(live.get(b.id)) : "—"}</span> },
    { id: "inflight", header: "In flight", align: "right", cell: (b) => <span data-testid="backend-in-flight">{formatCount(live.get(b.id)?.inFlight ?? 0)}</span> },
    { id: "latency", header: "Latency", align: "right", cell: (b) => <span data-testid="backend-latency"><LatencyText live={live.get(b.id)} /></span> },
  ];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-muted" data-testid="backends-live-note">
          {stale ? "Live state could not be read just now; showing the last known." : "Live state of this instance's gateway, refreshed every 3 seconds."}
        </p>
        <Button onClick={() => show({ kind: "edit", backend: null })} data-testid="backend-add">
          Add a backend
        </Button>
      </div>
      {notice && (
        <Alert tone="notice" testId="backend-saved">
          {notice}
        </Alert>
      )}
      {failure && (
        <Alert tone="error" testId="backend-failure">
          {failure}
        </Alert>
      )}
      {backends.length === 0 ? (
        <EmptyState title="No backend yet" testId="backends-empty">
          Add the inference servers (vLLM, llama.cpp, Ollama, TEI…) the gateway sends requests to, then put models on them.
        </EmptyState>
      ) : (
        <DataTable label="Backends" testId="backends-table" rowTestId="backend-row" rows={backends} rowKey={(b) => b.name} columns={columns} actions={actions} />
      )}
      {open?.kind === "edit" && (
        <BackendDialog
          key={open.backend?.id ?? "new"}
          backend={open.backend}
          onClose={() => setOpen(null)}
          onSaved={(message) => {
            setOpen(null);
            setNotice(message);
          }}
        />
      )}
      {open?.kind === "test" && <BackendTestDialog backend={open.backend} onClose={() => setOpen(null)} />}
      {open?.kind === "disable" && (
        <ConfirmDialog
          open
          testId="backend-disable-dialog"
          title={`Disable ${open.backend.name}?`}
          description={
            open.backend.models.length
              ? `Within a second no instance sends it requests. Its ${open.backend.models.length === 1 ? "model goes" : `${open.backend.models.length} models go`} to their other backends; a model it alone serves answers 503 until it is enabled again.`
              : "Within a second no instance sends it requests."
          }
          confirm="Disable backend"
          onConfirm={() => setBackendEnabledAction(open.backend.id, false)}
          onClose={(done) => {
            const name = open.backend.name;
            setOpen(null);
            if (done) {
              setNotice(`${name} is disabled.`);
              router.refresh();
            }
          }}
        />
      )}
    </div>
  );
}
