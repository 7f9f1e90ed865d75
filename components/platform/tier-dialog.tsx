"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { saveTierAction } from "@/app/(console)/tiers/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/text-field";
import { formatEuros } from "@/lib/billing/money";
import { type TierForm, tierNameSchema, tierSchema } from "@/lib/limits/tier-schema";
import { useActionForm } from "@/components/ui/use-action-form";

export interface TierView {
  id: number;
  name: string;
  description: string;
  purchaseCreditNanos: string | null;
  monthlyLimitNanos: string | null;
  outputTokensPerHour: number | null;
  outputTokensPerDay: number | null;
  requestsPerMinute: number;
  postpaid: boolean;
  builtin: boolean;
  accounts: number;
}

const FIELDS = ["name", "description", "purchaseCredit", "monthlyLimit", "outputTokensPerHour", "outputTokensPerDay", "requestsPerMinute", "postpaid"] as const;
const createSchema = tierSchema.extend({ name: tierNameSchema });

/** Nano-euros as the euros a person would type: "200", "49.9". */
const eurosText = (nanos: string | null) => (nanos === null ? "" : formatEuros(BigInt(nanos), 9).replace(/\.?0+$/, ""));

/** Add a tier (no `tier`) or edit one: its limits, checked as the server checks them. */
export function TierDialog({ tier, open, onClose, onSaved }: { tier: TierView | null; open: boolean; onClose: () => void; onSaved: (message: string) => void }) {
  const router = useRouter();
  const [postpaid, setPostpaid] = useState(tier?.postpaid ?? false);
  const { errors, pending, submit } = useActionForm(tier ? tierSchema : createSchema, (input: TierForm & { name?: string }) => saveTierAction({ ...input, id: tier?.id }), (saved) => {
    onSaved(tier ? `${saved.name} saved. ${accountsLine(tier.accounts)}` : `${saved.name} added.`);
    router.refresh();
  });

  function save(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (k: string) => String(data.get(k) ?? "");
    const form = {
      description: text("description"),
      purchaseCredit: text("purchaseCredit"),
      monthlyLimit: text("monthlyLimit"),
      outputTokensPerHour: text("outputTokensPerHour"),
      outputTokensPerDay: text("outputTokensPerDay"),
      requestsPerMinute: text("requestsPerMinute"),
      postpaid,
    };
    submit((tier ? form : { ...form, name: text("name") }) as TierForm, FIELDS);
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      wide
      testId="tier-dialog"
      title={tier ? `Edit ${tier.name}` : "Add a tier"}
      description={tier ? "Its accounts are held to the new limits from their next request, on every instance within a second." : "A package of limits accounts can be put on."}
    >
      <form onSubmit={save} noValidate className="space-y-4">
        {errors.form && (
          <Alert tone="error" testId="tier-error">
            {errors.form}
          </Alert>
        )}
        {!tier && <TextField name="name" label="Name" required maxLength={100} autoFocus error={errors.name} testId="tier-name" />}
        <TextField name="description" label="Description" defaultValue={tier?.description} maxLength={200} error={errors.description} testId="tier-description" />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Billing</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {[
              { value: false, label: "Prepaid", hint: "Draws down credit bought in advance" },
              { value: true, label: "Post-paid", hint: "Invoiced monthly; no credit needed" },
            ].map((o) => (
              <label key={o.label} className="flex items-start gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-ring">
                <input type="radio" name="billing" className="mt-1" checked={postpaid === o.value} onChange={() => setPostpaid(o.value)} data-testid={`tier-billing-${o.value ? "postpaid" : "prepaid"}`} />
                <span>
                  <span className="block font-medium">{o.label}</span>
                  <span className="block text-xs text-muted">{o.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="purchaseCredit"
            label="Purchase credit (€)"
            inputMode="decimal"
            placeholder="none"
            defaultValue={eurosText(tier?.purchaseCreditNanos ?? null)}
            hint="Credit an account must have bought before this prepaid tier serves it"
            error={errors.purchaseCredit}
            testId="tier-credit"
          />
          <TextField name="monthlyLimit" label="Monthly cap (€)" inputMode="decimal" placeholder="unlimited" defaultValue={eurosText(tier?.monthlyLimitNanos ?? null)} hint="Spend per calendar month" error={errors.monthlyLimit} testId="tier-monthly" />
          <TextField name="outputTokensPerHour" label="Output tokens per hour" inputMode="numeric" placeholder="unlimited" defaultValue={tier?.outputTokensPerHour ?? ""} error={errors.outputTokensPerHour} testId="tier-hour" />
          <TextField name="outputTokensPerDay" label="Output tokens per day" inputMode="numeric" placeholder="unlimited" defaultValue={tier?.outputTokensPerDay ?? ""} error={errors.outputTokensPerDay} testId="tier-day" />
          <TextField name="requestsPerMinute" label="Requests per minute" inputMode="numeric" required defaultValue={tier?.requestsPerMinute ?? 1000} error={errors.requestsPerMinute} testId="tier-rpm" />
        </div>
        <p className="text-xs text-muted">Empty fields mean none: no purchase needed, no monthly cap, no token limit.</p>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending} data-testid="tier-save">
            {pending ? "Saving…" : tier ? "Save tier" : "Add tier"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

const accountsLine = (n: number) =>
  n === 0 ? "No account is on it yet." : `${n === 1 ? "Its account follows" : `Its ${n} accounts follow`} the new limits from their next request.`;
