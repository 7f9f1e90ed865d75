"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { editModelAction } from "@/app/(console)/models/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { type ModelForm, modelSchema } from "@/lib/models/model-schema";
import { CapabilityCheckboxes } from "./capability-checkboxes";
import { ConfirmDialog } from "./confirm-dialog";
import { useActionForm } from "@/components/ui/use-action-form";

const FIELDS = ["description", "capabilities", "aliases", "maxModelLen", "ownedBy", "visible"] as const;

export interface ModelSettings {
  id: string;
  description: string;
  capabilities: string[];
  aliases: string[];
  maxModelLen: number;
  ownedBy: string;
  visible: boolean;
}

/** A model's settings, and whether keys see it; hiding asks first, since every key loses it within a second. */
export function ModelSettingsForm({ model }: { model: ModelSettings }) {
  const router = useRouter();
  const [notice, setNotice] = useState<string | null>(null);
  const edit = (input: ModelForm) => editModelAction(model.id, input);
  const { errors, pending, submit } = useActionForm(modelSchema, edit, () => {
    setNotice("Saved. The catalogue and /v1/models of every instance follow within a second.");
    router.refresh();
  });
  const show = useActionForm(modelSchema, edit, () => {
    setNotice("Shown again: listed and usable within a second.");
    router.refresh();
  });
  const formError = errors.form ?? show.errors.form;
  const [confirmHide, setConfirmHide] = useState(false);

  function save(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (k: string) => String(data.get(k) ?? "");
    const values: ModelForm = {
      description: text("description"),
      capabilities: data.getAll("capabilities").map(String) as never,
      aliases: text("aliases"),
      maxModelLen: text("maxModelLen"),
      ownedBy: text("ownedBy"),
    };
    setNotice(null);
    submit(values, FIELDS);
  }

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border px-3 py-2" data-testid="model-visibility" data-visible={model.visible}>
        <div className="min-w-48 flex-1 text-sm">
          <p className="font-medium">{model.visible ? "Listed and usable" : "Hidden"}</p>
          <p className="text-xs text-muted">
            {model.visible ? "In the catalogue and /v1/models; every key allowed its models can call it." : "Not listed anywhere, and every key's request for it is answered 404, as for a model that does not exist."}
          </p>
        </div>
        {model.visible ? (
          <Button variant="danger" className="h-8" onClick={() => setConfirmHide(true)} data-testid="model-hide">
            Hide
          </Button>
        ) : (
          <Button
            variant="secondary"
            className="h-8"
            data-testid="model-show"
            disabled={show.pending}
            onClick={() => show.submit({ visible: true }, [])}
          >
            Show
          </Button>
        )}
      </div>
      {notice && (
        <Alert tone="notice" testId="model-saved">
          {notice}
        </Alert>
      )}
      {formError && (
        <Alert tone="error" testId="model-error">
          {formError}
        </Alert>
      )}
      <form onSubmit={save} noValidate className="space-y-4" data-testid="model-settings">
        <CapabilityCheckboxes defaultValue={model.capabilities} error={errors.capabilities} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField name="aliases" label="Aliases" defaultValue={model.aliases.join(", ")} placeholder="none" hint="Other names clients may use, separated by commas" error={errors.aliases} testId="model-aliases-field" />
          <TextField name="maxModelLen" label="Context length (tokens)" inputMode="numeric" required defaultValue={model.maxModelLen} error={errors.maxModelLen} testId="model-context-field" />
          <TextField name="ownedBy" label="Owned by" required defaultValue={model.ownedBy} hint="As /v1/models says" error={errors.ownedBy} testId="model-owner-field" />
          <TextField name="description" label="Description" defaultValue={model.description} maxLength={500} error={errors.description} testId="model-description-field" />
        </div>
        <div className="flex justify-end">
          <Button type="submit" disabled={pending} data-testid="model-save">
            {pending ? "Saving…" : "Save settings"}
          </Button>
        </div>
      </form>
      <ConfirmDialog
        open={confirmHide}
        testId="model-hide-dialog"
        title={`Hide ${model.id}?`}
        description="Within a second it leaves the catalogue and /v1/models on every instance, and requests for it are answered 404. Its prices, backends and usage history stay; show it again at any time."
        confirm="Hide model"
        onConfirm={() => editModelAction(model.id, { visible: false })}
        onClose={(done) => {
          setConfirmHide(false);
          if (done) {
            setNotice("Hidden: no key can list or use it any more.");
            router.refresh();
          }
        }}
      />
    </div>
  );
}
