"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { changeAccountBudgetAction, changeAccountTierAction, renameAccountAction, suspendAccountAction } from "@/app/(console)/accounts/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { useActionForm } from "@/components/ui/use-action-form";
import { accountBudgetSchema, accountTierSchema, renameAccountSchema, suspendAccountSchema } from "@/lib/console/admin-schema";
import { fieldErrors } from "@/lib/console/key-schema";

/** One setting of an account: its field, and a save button that says when it is saved. */
function SettingForm({
  testId,
  onSubmit,
  pending,
  saved,
  onEdit,
  error,
  children,
}: {
  testId: string;
  onSubmit: (data: FormData) => void;
  pending: boolean;
  saved: boolean;
  /** Called when the field is edited again after a save. */
  onEdit: () => void;
  error?: string;
  children: React.ReactNode;
}) {
  return (
    <form
      noValidate
      data-testid={testId}
      className="space-y-2"
      onInput={onEdit}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(new FormData(e.currentTarget));
      }}
    >
      {error && (
        <Alert tone="error" testId={`${testId}-error`}>
          {error}
        </Alert>
      )}
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <div className="min-w-0 flex-1">{children}</div>
        <Button type="submit" variant="secondary" disabled={pending} className="sm:mt-7 sm:w-24" data-testid={`${testId}-save`}>
          {pending ? "Saving…" : saved ? "Saved ✓" : "Save"}
        </Button>
      </div>
      <p role="status" className="sr-only" data-testid={`${testId}-saved`}>
        {saved ? "Saved." : ""}
      </p>
    </form>
  );
}

function useSetting<S extends Parameters<typeof useActionForm>[0]>(schema: S, action: Parameters<typeof useActionForm<S, null>>[1]) {
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const form = useActionForm(schema, action, () => {
    setSaved(true);
    router.refresh();
  });
  return {
    ...form,
    saved,
    edited: () => setSaved(false),
    submit: (input: Parameters<typeof form.submit>[0], fields: readonly string[]) => (setSaved(false), form.submit(input, fields)),
  };
}

/** Name, tier and own monthly budget of an account, each saved on its own. */
export function AccountSettings({
  account,
  tiers,
  tierCap,
}: {
  account: { id: string; name: string; tierId: number; monthlyBudget: string };
  tiers: { id: number; label: string }[];
  /** The current tier's monthly cap, shown beside the budget ("1,000.00 €"), or null for none. */
  tierCap: string | null;
}) {
  const rename = useSetting(renameAccountSchema, renameAccountAction);
  const tier = useSetting(accountTierSchema, changeAccountTierAction);
  const budget = useSetting(accountBudgetSchema, changeAccountBudgetAction);
  return (
    <div className="space-y-3">
      <SettingForm testId="account-rename" pending={rename.pending} saved={rename.saved} onEdit={rename.edited} error={rename.errors.form} onSubmit={(d) => rename.submit({ accountId: account.id, name: String(d.get("name") ?? "") }, ["name"])}>
        <TextField name="name" label="Name" defaultValue={account.name} maxLength={100} required error={rename.errors.name} testId="account-name-input" />
      </SettingForm>
      <SettingForm testId="account-tier" pending={tier.pending} saved={tier.saved} onEdit={tier.edited} error={tier.errors.form} onSubmit={(d) => tier.submit({ accountId: account.id, tierId: String(d.get("tierId") ?? "") }, ["tierId"])}>
        <SelectField
          name="tierId"
          label="Tier"
          defaultValue={String(account.tierId)}
          options={tiers.map((t) => ({ value: String(t.id), label: t.label }))}
          hint="Limits and cap apply from the account's next request."
          error={tier.errors.tierId}
          testId="account-tier-select"
        />
      </SettingForm>
      <SettingForm
        testId="account-budget"
        pending={budget.pending}
        saved={budget.saved}
        onEdit={budget.edited}
        error={budget.errors.form}
        onSubmit={(d) => budget.submit({ accountId: account.id, monthlyBudget: String(d.get("monthlyBudget") ?? "") }, ["monthlyBudget"])}
      >
        <TextField
          name="monthlyBudget"
          label="Own monthly budget (€)"
          inputMode="decimal"
          placeholder="None"
          defaultValue={account.monthlyBudget}
          hint={tierCap ? `At most the tier's cap of ${tierCap}. Empty: the tier's cap only.` : "The tier has no cap. Empty: no budget."}
          error={budget.errors.monthlyBudget}
          testId="account-budget-input"
        />
      </SettingForm>
    </div>
  );
}

/**
 * Suspending refuses every key of the account at once, on every instance;
 * unsuspending restores the keys that were valid. Both ask first.
 */
export function SuspendAccount({ account, own }: { account: { id: string; name: string; suspended: boolean }; own: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, start] = useTransition();
  const suspending = !account.suspended;
  function confirm(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const input = { accountId: account.id, suspended: suspending, reason: String(new FormData(e.currentTarget).get("reason") ?? "") || undefined };
    const checked = suspendAccountSchema.safeParse(input);
    if (!checked.success) return setErrors(fieldErrors(checked.error));
    start(async () => {
      const result = await suspendAccountAction(input);
      if (!result.ok) return setErrors({ form: result.error.message });
      setErrors({});
      setOpen(false);
      router.refresh();
    });
  }
  const close = () => {
    setErrors({});
    setOpen(false);
  };
  if (own && suspending) return <p className="text-sm text-muted">This is your own account: another platform administrator would have to suspend it.</p>;
  return (
    <>
      <Button variant={suspending ? "danger" : "primary"} onClick={() => setOpen(true)} data-testid={suspending ? "suspend-account" : "unsuspend-account"}>
        {suspending ? "Suspend account" : "Unsuspend account"}
      </Button>
      <Dialog
        open={open}
        onClose={close}
        testId="suspend-dialog"
        title={suspending ? `Suspend ${account.name}?` : `Unsuspend ${account.name}?`}
        description={
          suspending
            ? "Every API key of the account, and its users' playground, is refused with 403 account_suspended on every instance within a second; its batches wait. No key is revoked: unsuspending restores the ones that were valid."
            : "Its keys that were valid when it was suspended work again at once; keys revoked or expired meanwhile stay so. Its waiting batches carry on."
        }
      >
        <form onSubmit={confirm} noValidate className="space-y-4">
          {errors.form && (
            <Alert tone="error" testId="suspend-error">
              {errors.form}
            </Alert>
          )}
          <TextField name="reason" label="Reason (optional, kept in the audit log)" maxLength={500} error={errors.reason} testId="suspend-reason" placeholder={suspending ? "e.g. Invoice 2026-117 unpaid" : "e.g. Paid"} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close} autoFocus>
              Cancel
            </Button>
            <Button type="submit" variant={suspending ? "danger" : "primary"} disabled={pending} data-testid="suspend-confirm">
              {pending ? "Saving…" : suspending ? "Suspend account" : "Unsuspend account"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
