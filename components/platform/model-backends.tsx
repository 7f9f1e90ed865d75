"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { addModelBackendAction, removeModelBackendAction } from "@/app/(console)/models/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { type ModelBackendForm, modelBackendSchema } from "@/lib/models/model-schema";
import { ConfirmDialog } from "./confirm-dialog";
import { useActionForm } from "@/components/ui/use-action-form";

interface ServedBy {
  id: string;
  name: string;
  engine: string;
  enabled: boolean;
  upstreamId: string;
}

/** Which backends serve a model and by what name; add one, or remove one after asking. */
export function ModelBackends({ modelId, links, backends }: { modelId: string; links: ServedBy[]; backends: { id: string; name: string; enabled: boolean }[] }) {
  const router = useRouter();
  const [removing, setRemoving] = useState<ServedBy | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, pending, submit } = useActionForm(modelBackendSchema, (input: ModelBackendForm) => addModelBackendAction(modelId, input), () => {
    formRef.current?.reset();
    setNotice("Added: requests for the model may go to it within a second.");
    router.refresh();
  });
  const free = backends.filter((b) => !links.some((l) => l.id === b.id));

  function add(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setNotice(null);
    submit({ backendId: String(data.get("backendId") ?? ""), upstreamId: String(data.get("upstreamId") ?? "") || undefined }, ["backendId", "upstreamId"]);
  }

  return (
    <div className="space-y-4">
      {notice && (
        <Alert tone="notice" testId="model-backend-saved">
          {notice}
        </Alert>
      )}
      {links.length === 0 ? (
        <p className="text-sm text-muted" data-testid="model-no-backend">
          No backend serves it: its requests are answered 503 until one is added.
        </p>
      ) : (
        <ul className="divide-y rounded-md border" data-testid="model-backend-links">
          {links.map((l) => (
            <li key={l.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm" data-testid="model-backend-link" data-backend={l.name}>
              <div className="min-w-0">
                <span className="font-medium">{l.name}</span>{" "}
                {!l.enabled && <Badge tone="warning">disabled</Badge>}
                <div className="truncate text-xs text-muted">
                  as <code>{l.upstreamId}</code> · {l.engine}
                </div>
              </div>
              <Button variant="ghost-danger" className="h-8 px-2" onClick={() => setRemoving(l)} data-testid="model-backend-remove" aria-label={`Stop serving from ${l.name}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      {errors.form && (
        <Alert tone="error" testId="model-backend-error">
          {errors.form}
        </Alert>
      )}
      {free.length > 0 && (
        <form ref={formRef} onSubmit={add} noValidate className="grid items-start gap-3 sm:grid-cols-[1fr_1fr_auto]" data-testid="model-backend-form">
          <SelectField name="backendId" label="Add a backend" defaultValue={free[0]!.id} options={free.map((b) => ({ value: b.id, label: `${b.name}${b.enabled ? "" : " (disabled)"}` }))} error={errors.backendId} testId="model-backend-choice" />
          <TextField name="upstreamId" label="Name on it" placeholder={modelId} error={errors.upstreamId} testId="model-backend-upstream" />
          <Button type="submit" variant="secondary" className="sm:mt-6" disabled={pending} data-testid="model-backend-add">
            {pending ? "Adding…" : "Add"}
          </Button>
        </form>
      )}
      <ConfirmDialog
        open={removing !== null}
        testId="model-backend-remove-dialog"
        title={`Stop serving ${modelId} from ${removing?.name ?? ""}?`}
        description={
          links.length === 1
            ? "It is the model's only backend: within a second its requests are answered 503 until another is added."
            : "Within a second its requests go only to the model's other backends."
        }
        confirm="Remove backend"
        onConfirm={() => removeModelBackendAction(modelId, removing!.id)}
        onClose={(done) => {
          const name = removing?.name;
          setRemoving(null);
          if (done) {
            setNotice(`${name} no longer serves it.`);
            router.refresh();
          }
        }}
      />
    </div>
  );
}
