"use client";

import { useEffect, useState } from "react";
import { testBackendAction } from "@/app/(console)/backends/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import type { BackendTestResult } from "@/lib/backends/test-call";
import { formatMs } from "@/lib/format";

const KIND = { chat: "A short chat", embeddings: "An embedding", health: "Its health check" } as const;

/** Sends the backend a real, small request as soon as it opens, and shows what came back and how long it took. */
export function BackendTestDialog({ backend, onClose }: { backend: { id: string; name: string }; onClose: () => void }) {
  const [result, setResult] = useState<BackendTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [run, setRun] = useState(0);
  useEffect(() => {
    let current = true;
    setResult(null);
    setError(null);
    void testBackendAction(backend.id).then((r) => {
      if (!current) return;
      if (r.ok) setResult(r.data);
      else setError(r.error.message);
    });
    return () => {
      current = false;
    };
  }, [backend.id, run]);

  return (
    <Dialog open onClose={onClose} testId="backend-test-dialog" title={`Test ${backend.name}`} description="A real request, sent straight to this backend: not billed, not counted against any limit.">
      <div className="space-y-3" aria-live="polite">
        {!result && !error && (
          <div role="status" className="space-y-2">
            <span className="sr-only">Sending…</span>
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-16 w-full" />
          </div>
        )}
        {error && (
          <Alert tone="error" testId="backend-test-error">
            {error}
          </Alert>
        )}
        {result && (
          <div className="space-y-3" data-testid="backend-test-result" data-ok={result.ok}>
            <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 text-sm">
              <dt className="text-muted">Sent</dt>
              <dd>
                {KIND[result.kind]}
                {result.model && (
                  <>
                    {" "}
                    to <code className="text-xs">{result.model}</code>
                  </>
                )}
              </dd>
              <dt className="text-muted">Time</dt>
              <dd className="tabular-nums" data-testid="backend-test-ms">
                {formatMs(result.ms)}
              </dd>
            </dl>
            {result.ok ? (
              <blockquote className="max-h-60 overflow-y-auto rounded-md border bg-surface-sunken px-3 py-2 text-sm break-words whitespace-pre-wrap" tabIndex={0} data-testid="backend-test-answer">
                {result.answer || "(an empty answer)"}
              </blockquote>
            ) : (
              <Alert tone="error" testId="backend-test-failure">
                {result.error}
              </Alert>
            )}
          </div>
        )}
        <div className="flex justify-end gap-2 pt-1">
          <Button variant="secondary" onClick={() => setRun((n) => n + 1)} disabled={!result && !error} data-testid="backend-test-again">
            Test again
          </Button>
          <Button onClick={onClose}>Close</Button>
        </div>
      </div>
    </Dialog>
  );
}
