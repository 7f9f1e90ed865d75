"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { setPriceAction } from "@/app/(console)/prices/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { priceSchema } from "@/lib/billing/price-schema";
import { PRICE_UNIT_INFO, PRICE_UNIT_LIST } from "@/lib/billing/price-units";
import type { PriceUnit } from "@/lib/billing/prices";
import { formatDateTime } from "@/lib/format";
import { useActionForm } from "@/components/ui/use-action-form";

const FIELDS = ["modelId", "unit", "price", "effectiveFrom"] as const;

/**
 * A new price row: for the platform or a model (fixed with `model`), one
 * unit, from now or a later time. Nothing already billed changes.
 */
export function PriceForm({ models, model, units = PRICE_UNIT_LIST, tz }: { models?: string[]; model?: string; units?: readonly PriceUnit[]; tz: string }) {
  const router = useRouter();
  const [unit, setUnit] = useState<PriceUnit>(units[0] ?? "input_token");
  const [when, setWhen] = useState<"now" | "later">("now");
  const [notice, setNotice] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, pending, submit } = useActionForm(priceSchema, setPriceAction, (row) => {
    formRef.current?.reset();
    setNotice(`Saved. In force from ${formatDateTime(row.effectiveFrom, tz)} (${tz}) for requests that start from then on.`);
    router.refresh();
  });

  function save(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const at = String(data.get("at") ?? "");
    const local = at ? new Date(at) : null;
    const values = {
      modelId: model ?? (String(data.get("modelId") ?? "") || null),
      unit,
      price: String(data.get("price") ?? ""),
      effectiveFrom: when === "now" ? "now" : local && !Number.isNaN(local.getTime()) ? local.toISOString() : "",
    };
    setNotice(null);
    submit(values, FIELDS);
  }

  return (
    <form ref={formRef} onSubmit={save} noValidate className="space-y-4" data-testid="price-form">
      {notice && (
        <Alert tone="notice" testId="price-saved">
          {notice}
        </Alert>
      )}
      {errors.form && (
        <Alert tone="error" testId="price-error">
          {errors.form}
        </Alert>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        {!model && (
          <SelectField
            name="modelId"
            label="Applies to"
            defaultValue=""
            options={[{ value: "", label: "The platform's default" }, ...(models ?? []).map((m) => ({ value: m, label: m }))]}
            error={errors.modelId}
            testId="price-model"
          />
        )}
        <SelectField
          label="Unit"
          value={unit}
          onChange={(e) => setUnit(e.target.value as PriceUnit)}
          options={units.map((u) => ({ value: u, label: PRICE_UNIT_INFO[u].label }))}
          error={errors.unit}
          testId="price-unit"
        />
        <TextField name="price" label={`Price (€ per ${PRICE_UNIT_INFO[unit].per})`} inputMode="decimal" placeholder="8.00" required error={errors.price} testId="price-value" />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">In force from</legend>
        <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="when" checked={when === "now"} onChange={() => setWhen("now")} data-testid="price-when-now" />
            Now <span className="text-muted">(a second after saving, on every instance)</span>
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="when" checked={when === "later"} onChange={() => setWhen("later")} data-testid="price-when-later" />
            A later time
          </label>
        </div>
        {when === "later" && (
          <div className="max-w-xs">
            <TextField name="at" type="datetime-local" label="Date and time" hint="In your browser's time zone" error={errors.effectiveFrom} testId="price-at" />
          </div>
        )}
        {when === "now" && errors.effectiveFrom && <p className="text-xs text-danger">{errors.effectiveFrom}</p>}
      </fieldset>
      <div className="flex justify-end">
        <Button type="submit" disabled={pending} data-testid="price-save">
          {pending ? "Saving…" : "Add price"}
        </Button>
      </div>
    </form>
  );
}
