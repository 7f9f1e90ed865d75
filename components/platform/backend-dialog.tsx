"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { addBackendAction, editBackendAction } from "@/app/(console)/backends/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { type BackendForm, ENGINE_LABELS, REMOTE_ENGINES, backendSchema } from "@/lib/backends/backend-schema";
import { useActionForm } from "@/components/ui/use-action-form";

export interface BackendView {
  id: string;
  name: string;
  engine: "openai" | "ollama" | "embedded";
  baseUrl: string;
  machineName: string;
  enabled: boolean;
  timeoutMs: number;
  upstreamKey: "set" | "unset";
  models: string[];
}

const FIELDS = ["name", "engine", "url", "machine", "apiKey", "timeoutMs"] as const;

/** Register a backend (no `backend`) or change one. Its API key is write-only: never shown, only set, replaced or removed. */
export function BackendDialog({ backend, onClose, onSaved }: { backend: BackendView | null; onClose: () => void; onSaved: (message: string) => void }) {
  const router = useRouter();
  const [engine, setEngine] = useState<string>(backend?.engine ?? "openai");
  const [clearKey, setClearKey] = useState(false);
  const { errors, pending, submit } = useActionForm(backendSchema, (input: BackendForm) => (backend ? editBackendAction(backend.id, input) : addBackendAction(input)), (saved) => {
    onSaved(backend ? `${saved.name} saved; every instance routes with it within a second.` : `${saved.name} added. Test it, then put a model on it.`);
    router.refresh();
  });

  function save(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (k: string) => String(data.get(k) ?? "");
    const form = {
      name: text("name"),
      engine: engine as BackendView["engine"],
      url: text("url"),
      machine: text("machine"),
      apiKey: clearKey ? undefined : text("apiKey") || undefined,
      clearApiKey: clearKey,
      timeoutMs: text("timeoutMs"),
    };
    submit(form, FIELDS);
  }

  const keyHint = backend?.upstreamKey === "set" ? "A key is set. Leave empty to keep it." : "None is set. The gateway sends it as a Bearer token.";
  return (
    <Dialog
      open
      onClose={onClose}
      wide
      testId="backend-dialog"
      title={backend ? `Edit ${backend.name}` : "Add a backend"}
      description="An inference server the gateway sends requests to. Clients never see its address or key."
    >
      <form onSubmit={save} noValidate className="space-y-4">
        {errors.form && (
          <Alert tone="error" testId="backend-error">
            {errors.form}
          </Alert>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField name="name" label="Name" required maxLength={100} autoFocus defaultValue={backend?.name} placeholder="gpu1" error={errors.name} testId="backend-name" />
          <SelectField
            label="Engine"
            value={engine}
            onChange={(e) => setEngine(e.target.value)}
            options={REMOTE_ENGINES.map((v) => ({ value: v, label: ENGINE_LABELS[v] }))}
            hint={engine === "ollama" ? "Spoken to in Ollama's own API" : "vLLM, llama.cpp server, SGLang, TEI, LocalAI, a hosted API…"}
            error={errors.engine}
            testId="backend-engine"
          />
        </div>
        <TextField
          name="url"
          label="URL"
          required
          inputMode="url"
          defaultValue={backend?.baseUrl}
          placeholder={engine === "ollama" ? "http://gpu2:11434" : "http://gpu1:8000/v1"}
          hint={engine === "ollama" ? "The Ollama server's root" : "The root of its OpenAI API, usually ending in /v1"}
          error={errors.url}
          testId="backend-url"
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField name="machine" label="Machine" required maxLength={100} defaultValue={backend?.machineName} placeholder="gpu1" hint="Named in the backend header of answers" error={errors.machine} testId="backend-machine" />
          <TextField name="timeoutMs" label="Timeout (ms)" inputMode="numeric" defaultValue={backend?.timeoutMs ?? ""} placeholder="600000" hint="Longest wait for its answer to start, or between two chunks" error={errors.timeoutMs} testId="backend-timeout" />
        </div>
        <TextField
          name="apiKey"
          type="password"
          autoComplete="off"
          label="API key"
          disabled={clearKey}
          placeholder={backend?.upstreamKey === "set" ? "•••••••• (set)" : "none"}
          hint={keyHint}
          error={errors.apiKey}
          testId="backend-api-key"
        />
        {backend?.upstreamKey === "set" && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={clearKey} onChange={(e) => setClearKey(e.target.checked)} data-testid="backend-clear-key" />
            Remove the stored key
          </label>
        )}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending} data-testid="backend-save">
            {pending ? "Saving…" : backend ? "Save backend" : "Add backend"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
