"use client";

import { useState, useTransition } from "react";
import { saveBudgetSettings } from "@/app/(console)/budget/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { TextField } from "@/components/ui/text-field";
import { fieldOfParam } from "@/lib/console/key-schema";

/** The account's own budget, alert thresholds, webhook and time zone: account admins only. */
export function BudgetSettingsForm({
  budgetEuros,
  capLabel,
  thresholds,
  webhookUrl,
  webhookSecret,
  timezone,
  platformZone,
}: {
  budgetEuros: string;
  capLabel: string;
  thresholds: number[];
  webhookUrl: string;
  webhookSecret: string | null;
  timezone: string;
  platformZone: string;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (k: string) => String(data.get(k) ?? "");
    setErrors({});
    setNotice(null);
    start(async () => {
      const result = await saveBudgetSettings({
        monthlyBudget: text("monthlyBudget"),
        thresholds: text("thresholds"),
        webhookUrl: text("webhookUrl"),
        timezone: text("timezone"),
      });
      if (result.ok) setNotice("Saved. New limits apply from the next request.");
      else setErrors({ [fieldOfParam(result.error.param) || "form"]: result.error.message });
    });
  }

  function regenerate() {
    start(async () => {
      const result = await saveBudgetSettings({ regenerateSecret: true });
      setNotice(result.ok ? "A new signing secret is in use: update your receiver." : result.error.message);
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" data-testid="budget-settings">
      {notice && (
        <Alert tone="notice" testId="budget-settings-saved">
          {notice}
        </Alert>
      )}
      {errors.form && (
        <Alert tone="error" testId="budget-settings-error">
          {errors.form}
        </Alert>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="monthlyBudget" label="Monthly budget (€)" defaultValue={budgetEuros} inputMode="decimal" placeholder="none" hint={capLabel} error={errors.monthlyBudget} testId="budget-amount" />
        <TextField name="thresholds" label="Alert at (% of the budget)" defaultValue={thresholds.join(", ")} placeholder="50, 80, 100" hint="Each fires once a month." error={errors.thresholds} testId="budget-thresholds" />
        <TextField name="webhookUrl" label="Webhook URL" type="url" defaultValue={webhookUrl} placeholder="https://hooks.example.com/llmaas" hint="Alerts are POSTed here as signed JSON." error={errors.webhookUrl} testId="budget-webhook" />
        <TextField name="timezone" label="Time zone" defaultValue={timezone} placeholder={platformZone} hint={`Days and months of usage and budgets; empty: ${platformZone}.`} error={errors.timezone} testId="budget-timezone" />
      </div>
      {webhookSecret && (
        <div className="space-y-2">
          <CodeBlock label="Webhook signing secret (x-llmaas-signature: t=…,v1=HMAC-SHA256 of “t.body”)" code={webhookSecret} testId="webhook-secret" />
          <Button variant="secondary" onClick={regenerate} disabled={pending} data-testid="webhook-regenerate">
            New signing secret
          </Button>
        </div>
      )}
      <div className="flex justify-end">
        <Button type="submit" disabled={pending} data-testid="budget-save">
          {pending ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}
