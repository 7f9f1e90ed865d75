"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { createAccountAction } from "@/app/(console)/accounts/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { useActionForm } from "@/components/ui/use-action-form";
import { createAccountSchema } from "@/lib/console/admin-schema";

export interface TierChoice {
  id: number;
  label: string;
}

/** A new account: its name and tier. Then its own page, to add credit and users. */
export function CreateAccountButton({ tiers }: { tiers: TierChoice[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const form = useActionForm(createAccountSchema, createAccountAction, ({ id }) => {
    setOpen(false);
    router.push(`/accounts/${id}`);
  });
  const close = () => {
    setOpen(false);
    form.reset();
  };
  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    form.submit({ name: String(data.get("name") ?? ""), tierId: String(data.get("tierId") ?? "") }, ["name", "tierId"]);
  }
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="create-account">
        Create account
      </Button>
      <Dialog open={open} onClose={close} testId="create-account-dialog" title="Create an account" description="A company or team: its keys, usage and bills are its own. Add credit and users on its page next.">
        <form onSubmit={submit} noValidate className="space-y-4">
          {form.errors.form && (
            <Alert tone="error" testId="create-account-error">
              {form.errors.form}
            </Alert>
          )}
          <TextField name="name" label="Name" placeholder="e.g. Globex Research" required autoFocus maxLength={100} error={form.errors.name} testId="account-name" />
          <SelectField
            name="tierId"
            label="Tier"
            defaultValue={String(tiers[0]?.id ?? "")}
            options={tiers.map((t) => ({ value: String(t.id), label: t.label }))}
            hint="Its limits and monthly cap; it can be changed later."
            error={form.errors.tierId}
            testId="account-tier"
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" disabled={form.pending} data-testid="create-account-submit">
              {form.pending ? "Creating…" : "Create account"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
