"use client";

import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { ActionResult } from "@/lib/console/action-result";

/** Asks before a change that takes something away (disable, hide, remove); shows the server's refusal if any. */
export function ConfirmDialog({
  open,
  title,
  description,
  confirm,
  onConfirm,
  onClose,
  testId,
}: {
  open: boolean;
  title: string;
  description: React.ReactNode;
  /** The confirming button's words, e.g. "Disable backend". */
  confirm: string;
  onConfirm: () => Promise<ActionResult<unknown>>;
  onClose: (done: boolean) => void;
  testId: string;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const run = () =>
    start(async () => {
      const result = await onConfirm();
      if (result.ok) onClose(true);
      else setError(result.error.message);
    });
  return (
    <Dialog open={open} onClose={() => onClose(false)} testId={testId} title={title} description={description}>
      {error && (
        <Alert tone="error" testId={`${testId}-error`}>
          {error}
        </Alert>
      )}
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={() => onClose(false)} autoFocus>
          Cancel
        </Button>
        <Button variant="danger" onClick={run} disabled={pending} data-testid={`${testId}-confirm`}>
          {pending ? "Working…" : confirm}
        </Button>
      </div>
    </Dialog>
  );
}
