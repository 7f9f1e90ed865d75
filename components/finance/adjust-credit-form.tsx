"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { creditAccountAction } from "@/app/(console)/finance/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { fieldOfParam } from "@/lib/console/key-schema";
import { formatMoney } from "@/lib/format";

/** Top up or adjust an account's credit (superadmins); an adjustment names its reason. */
export function AdjustCreditForm({ accountId }: { accountId: string }) {
  const router = useRouter();
  const [kind, setKind] = useState<"credit" | "adjustment">("credit");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const amount = String(data.get("amount") ?? "");
    const reason = String(data.get("reason") ?? "");
    if (kind === "adjustment" && reason.trim().length < 3) return setErrors({ reason: "Say why: an adjustment needs a reason" });
    if (kind === "credit" && amount.trim().startsWith("-")) return setErrors({ amount: "A top-up is positive; take credit away with an adjustment" });
    setErrors({});
    setNotice(null);
    start(async () => {
      const result = await creditAccountAction({ accountId, kind, amount, reason: reason || undefined });
      if (result.ok) {
        form.reset();
        setNotice(`Booked. The balance is now ${formatMoney(result.data.balanceNanos)}.`);
        // The page's balance and history show the new entry too.
        router.refresh();
      } else setErrors({ [fieldOfParam(result.error.param) || "amount"]: result.error.message });
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" data-testid="credit-form">
      {notice && (
        <Alert tone="notice" testId="credit-saved">
          {notice}
        </Alert>
      )}
      <fieldset className="flex gap-2">
        <legend className="sr-only">Kind</legend>
        {(["credit", "adjustment"] as const).map((k) => (
          <label key={k} className="flex flex-1 items-center gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-ring">
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`credit-kind-${k}`} />
            {k === "credit" ? "Top-up" : "Adjustment"}
          </label>
        ))}
      </fieldset>
      <TextField name="amount" label="Amount (€)" inputMode="decimal" placeholder={kind === "credit" ? "200" : "-12.50"} error={errors.amount} testId="credit-amount" />
      <TextField name="reason" label={kind === "credit" ? "Note (optional)" : "Reason"} placeholder={kind === "credit" ? "Invoice 2026-117" : "Refund for the outage of 12 Nov"} error={errors.reason} testId="credit-reason" />
      <div className="flex justify-end">
        <Button type="submit" disabled={pending} data-testid="credit-submit">
          {pending ? "Booking…" : kind === "credit" ? "Add credit" : "Book adjustment"}
        </Button>
      </div>
    </form>
  );
}
