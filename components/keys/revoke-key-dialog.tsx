"use client";

import { useState, useTransition } from "react";
import { revokeKeyAction } from "@/app/(console)/keys/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { KeyView } from "./types";

export function RevokeKeyDialog({ target, onClose }: { target: KeyView | null; onClose: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  function revoke() {
    if (!target) return;
    start(async () => {
      const result = await revokeKeyAction(target.id);
      if (result.ok) onClose();
      else setError(result.error.message);
    });
  }
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      testId="revoke-key-dialog"
      title={`Revoke ${target?.name ?? ""}?`}
      description={`Every request with this key (${target?.prefix ?? ""}…${target?.previousPrefix ? ` and ${target.previousPrefix}…` : ""}) is refused within a second, everywhere. This cannot be undone; its usage history stays.`}
    >
      {error && (
        <Alert tone="error" testId="revoke-error">
          {error}
        </Alert>
      )}
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose} autoFocus>
          Cancel
        </Button>
        <Button variant="danger" onClick={revoke} disabled={pending} data-testid="revoke-confirm">
          {pending ? "Revoking…" : "Revoke key"}
        </Button>
      </div>
    </Dialog>
  );
}
