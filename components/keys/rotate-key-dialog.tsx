"use client";

import { useState, useTransition } from "react";
import { type NewSecret, rotateKeyAction } from "@/app/(console)/keys/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/text-field";
import { GRACE_CHOICES } from "@/lib/console/key-schema";
import { formatDateTime } from "@/lib/format";
import type { KeyView } from "./types";

/** Rotation: a new secret for the same key, and how long the old one keeps working. */
export function RotateKeyDialog({ target, onClose, onRotated, tz }: { target: KeyView | null; onClose: () => void; onRotated: (s: NewSecret) => void; tz: string }) {
  const [grace, setGrace] = useState<string>("24h");
  const [date, setDate] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const rotating = target?.status === "rotating";

  function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!target) return;
    if (grace === "date" && !date) return setError("Pick when the old secret stops working");
    const value = grace === "date" ? new Date(date).toISOString() : grace;
    setError(null);
    start(async () => {
      const result = await rotateKeyAction(target.id, value, target.name);
      if (result.ok) onRotated(result.data);
      else setError(result.error.message);
    });
  }

  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      testId="rotate-key-dialog"
      title={`Rotate ${target?.name ?? ""}`}
      description="The key keeps its id, name, limits, allowed models and history; only its secret changes. Usage from the old and the new secret lands on this key."
    >
      <form onSubmit={submit} className="space-y-4">
        {rotating && target?.previousExpiresAt && (
          <Alert tone="error" testId="rotate-replaces-pending">
            This key is already rotating: its previous secret ({target.previousPrefix}…), valid until {formatDateTime(target.previousExpiresAt, tz)}, stops working at once.
            The current secret ({target.prefix}…) becomes the old one.
          </Alert>
        )}
        {error && (
          <Alert tone="error" testId="rotate-error">
            {error}
          </Alert>
        )}
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Keep the current secret ({target?.prefix}…) working</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {GRACE_CHOICES.map((c) => (
              <label key={c.value} className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-ring">
                <input type="radio" name="grace" value={c.value} checked={grace === c.value} onChange={() => setGrace(c.value)} data-testid={`grace-${c.value}`} />
                {c.label}
              </label>
            ))}
          </div>
          {grace === "date" && <TextField type="datetime-local" label="Old secret works until" value={date} onChange={(e) => setDate(e.target.value)} testId="grace-until" />}
        </fieldset>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending} data-testid="rotate-submit">
            {pending ? "Rotating…" : "Rotate key"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
