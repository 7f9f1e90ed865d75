"use client";

import { useState, useTransition } from "react";
import { createKeyAction, type NewSecret } from "@/app/(console)/keys/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { createKeySchema, fieldErrors, fieldOfParam } from "@/lib/console/key-schema";

const EXPIRY = [
  { value: "", label: "Never" },
  { value: "7d", label: "In 7 days" },
  { value: "30d", label: "In 30 days" },
  { value: "90d", label: "In 90 days" },
  { value: "1y", label: "In a year" },
  { value: "date", label: "On a date…" },
];

/** The new-key form: a name, and optionally an expiry, the models it may use and limits tighter than the account's. */
export function CreateKeyDialog({ open, onClose, onCreated, models }: { open: boolean; onClose: () => void; onCreated: (s: NewSecret) => void; models: string[] }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [expiry, setExpiry] = useState("");
  const [restrict, setRestrict] = useState(false);
  const [pending, start] = useTransition();

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (k: string) => String(data.get(k) ?? "").trim() || undefined;
    const form = {
      name: String(data.get("name") ?? ""),
      expires: expiry === "date" ? (text("expiresDate") ? new Date(`${text("expiresDate")}T23:59:59`).toISOString() : "") : expiry || undefined,
      models: restrict ? data.getAll("models").map(String) : undefined,
      monthlyBudget: text("monthlyBudget"),
      outputTokensPerHour: text("outputTokensPerHour"),
      outputTokensPerDay: text("outputTokensPerDay"),
    };
    const checked = createKeySchema.safeParse(form);
    if (!checked.success) return setErrors(fieldErrors(checked.error));
    if (expiry === "date" && !form.expires) return setErrors({ expires: "Pick the day the key stops working" });
    if (restrict && form.models!.length === 0) return setErrors({ models: "Pick at least one model, or allow all" });
    setErrors({});
    setFormError(null);
    start(async () => {
      const result = await createKeyAction(form);
      if (result.ok) {
        onCreated(result.data);
        return;
      }
      const field = fieldOfParam(result.error.param);
      if (field && ["name", "expires", "models", "monthlyBudget", "outputTokensPerHour", "outputTokensPerDay"].includes(field)) setErrors({ [field]: result.error.message });
      else setFormError(result.error.message);
    });
  }

  return (
    <Dialog open={open} onClose={onClose} testId="create-key-dialog" title="Create an API key" description="The key works with the openai SDKs, LangChain and curl. Its secret is shown once.">
      <form onSubmit={submit} noValidate className="space-y-4">
        {formError && (
          <Alert tone="error" testId="create-key-error">
            {formError}
          </Alert>
        )}
        <TextField name="name" label="Name" placeholder="e.g. CI pipeline" required autoFocus maxLength={100} error={errors.name} testId="key-name" />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Expires" value={expiry} onChange={(e) => setExpiry(e.target.value)} options={EXPIRY} error={expiry === "date" ? undefined : errors.expires} testId="key-expires" />
          {expiry === "date" && <TextField name="expiresDate" type="date" label="Expiry date" error={errors.expires} testId="key-expires-date" />}
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Models</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={!restrict} onChange={(e) => setRestrict(!e.target.checked)} data-testid="key-all-models" />
            Every model the account can use
          </label>
          {restrict && (
            <div className="grid max-h-40 gap-1 overflow-y-auto rounded-md border p-2 sm:grid-cols-2">
              {models.length === 0 && <p className="text-sm text-muted">No model is served yet.</p>}
              {models.map((m) => (
                <label key={m} className="flex min-w-0 items-center gap-2 text-sm">
                  <input type="checkbox" name="models" value={m} data-testid={`key-model-${m}`} />
                  <span className="truncate">{m}</span>
                </label>
              ))}
            </div>
          )}
          {errors.models && <p className="text-xs text-danger">{errors.models}</p>}
        </fieldset>
        <details className="rounded-md border px-3 py-2">
          <summary className="cursor-pointer text-sm font-medium" data-testid="key-limits-toggle">
            Limits of its own (optional)
          </summary>
          <p className="mt-1 text-xs text-muted">Hold this key tighter than the account. Empty fields: the account&apos;s limits apply.</p>
          <div className="mt-3 grid gap-4 sm:grid-cols-3">
            <TextField name="monthlyBudget" label="Monthly budget (€)" inputMode="decimal" placeholder="none" error={errors.monthlyBudget} testId="key-budget" />
            <TextField name="outputTokensPerHour" label="Output tokens / hour" inputMode="numeric" placeholder="none" error={errors.outputTokensPerHour} testId="key-tokens-hour" />
            <TextField name="outputTokensPerDay" label="Output tokens / day" inputMode="numeric" placeholder="none" error={errors.outputTokensPerDay} testId="key-tokens-day" />
          </div>
        </details>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending} data-testid="create-key-submit">
            {pending ? "Creating…" : "Create key"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
