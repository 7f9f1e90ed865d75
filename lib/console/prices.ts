import { priceHistory, setPrice } from "@/lib/billing/price-admin";
import type { PriceForm } from "@/lib/billing/price-schema";
import { listModels } from "@/lib/models/manage";
import { requirePlatformAdmin } from "./admin";
import type { Caller } from "./authz";

const WHAT = "set prices";

/** A price row as pages show it: nano-euros per single unit as a decimal string. */
export type PriceRowView = Awaited<ReturnType<typeof priceRowsAs>>[number];

/** Price rows (all, or one model's own with `modelId`, or the platform's with null), newest first, with their status. */
export async function priceRowsAs(caller: Caller, modelId?: string | null) {
  requirePlatformAdmin(caller, WHAT);
  return (await priceHistory({ modelId })).map((r) => ({
    id: r.id,
    modelId: r.modelId,
    unit: r.unit,
    nanosPerUnit: r.nanosPerUnit.toString(),
    effectiveFrom: r.effectiveFrom.toISOString(),
    status: r.status,
  }));
}

/** The model ids a price may be set for (hidden models too). */
export async function priceableModelsAs(caller: Caller) {
  requirePlatformAdmin(caller, WHAT);
  return (await listModels()).map((m) => m.id);
}

export async function setPriceAs(caller: Caller, form: PriceForm) {
  requirePlatformAdmin(caller, WHAT);
  const row = await setPrice(form);
  return { id: row.id, effectiveFrom: row.effectiveFrom.toISOString() };
}
