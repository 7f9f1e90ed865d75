"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { addModelAction } from "@/app/(console)/models/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { newModelSchema } from "@/lib/models/model-schema";
import { CapabilityCheckboxes } from "./capability-checkboxes";
import { modelPath } from "./model-path";
import { useActionForm } from "@/components/ui/use-action-form";

const FIELDS = ["id", "backendId", "upstreamId", "capabilities", "aliases", "maxModelLen", "description"] as const;

/** Put a model on a registered backend: its public id, the name the backend knows it by, and what it can do. */
export function NewModelForm({ backends }: { backends: { id: string; name: string; engine: string; enabled: boolean }[] }) {
  const router = useRouter();
  const { errors, pending, submit } = useActionForm(newModelSchema, addModelAction, (m) => router.push(modelPath(m.id)));
  function save(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (k: string) => String(data.get(k) ?? "");
    const values = {
      id: text("id"),
      backendId: text("backendId"),
      upstreamId: text("upstreamId") || undefined,
      capabilities: data.getAll("capabilities").map(String) as never,
      aliases: text("aliases"),
      maxModelLen: text("maxModelLen"),
      description: text("description"),
    };
    submit(values, FIELDS);
  }
  if (backends.length === 0) {
    return (
      <p className="text-sm text-muted" data-testid="new-model-no-backend">
        No backend is registered yet. Add one on the{" "}
        <Link href="/backends" className="underline underline-offset-2">
          Backends
        </Link>{" "}
        page first.
      </p>
    );
  }
  return (
    <form onSubmit={save} noValidate className="space-y-4" data-testid="new-model-form">
      {errors.form && (
        <Alert tone="error" testId="new-model-error">
          {errors.form}
        </Alert>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="id" label="Model id" required maxLength={200} placeholder="granite3.3:8b" hint="What clients put in model" error={errors.id} testId="new-model-id" />
        <SelectField
          name="backendId"
          label="Backend"
          defaultValue={backends.find((b) => b.engine !== "embedded")?.id ?? backends[0]!.id}
          options={backends.map((b) => ({ value: b.id, label: `${b.name}${b.enabled ? "" : " (disabled)"}` }))}
          error={errors.backendId}
          testId="new-model-backend"
        />
        <TextField name="upstreamId" label="Name on the backend" maxLength={200} placeholder="the model id" hint="How the engine knows it, if not by its id" error={errors.upstreamId} testId="new-model-upstream" />
        <TextField name="maxModelLen" label="Context length (tokens)" inputMode="numeric" required defaultValue="8192" error={errors.maxModelLen} testId="new-model-context" />
      </div>
      <CapabilityCheckboxes defaultValue={["chat"]} error={errors.capabilities} wide />
      <TextField name="aliases" label="Aliases" placeholder="granite, granite-8b" hint="Other names clients may use, separated by commas" error={errors.aliases} testId="new-model-aliases" />
      <TextField name="description" label="Description" maxLength={500} placeholder="What it is good at" error={errors.description} testId="new-model-description" />
      <div className="flex justify-end">
        <Button type="submit" disabled={pending} data-testid="new-model-submit">
          {pending ? "Adding…" : "Add model"}
        </Button>
      </div>
    </form>
  );
}
