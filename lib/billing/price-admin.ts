import { insertPrice, listPrices } from "@/db/queries/prices";
import type { Price } from "@/db/schema";
import { audit } from "../audit/audit";
import { configChanged } from "../config-changes";
import { badRequest } from "../errors";
import { requireModel } from "../models/manage";
import { parseInput } from "../validate";
import { type PriceForm, priceSchema } from "./price-schema";

/**
 * How far ahead of now a price "from now" starts: long enough for every
 * instance to have read it (they poll for changes every 250 ms), so no
 * request anywhere starts after its time at the old price.
 */
export const PRICE_LEAD_MS = 1_000;

export type PriceStatus = "scheduled" | "in force" | "superseded";

const view = (p: Price) => ({ modelId: p.modelId, unit: p.unit, nanosPerUnit: p.nanosPerUnit, effectiveFrom: p.effectiveFrom });

/** The row of this scope (the platform's default, or a model's own) in force at `at`, if any. */
function inForce(rows: Price[], modelId: string | null, unit: string, at: Date): Price | undefined {
  let found: Price | undefined;
  for (const r of rows) if (r.modelId === modelId && r.unit === unit && r.effectiveFrom <= at) found = r;
  return found;
}

/**
 * Add a price: for the platform or one model, one unit, from now (in a
 * second, see PRICE_LEAD_MS) or a later time. Rows are never changed or
 * back-dated: a request is billed at the price in force when it started.
 */
export async function setPrice(input: PriceForm, now = new Date()) {
  const p = parseInput(priceSchema, input);
  if (p.modelId) await requireModel(p.modelId);
  const earliest = new Date(now.getTime() + PRICE_LEAD_MS);
  if (p.effectiveFrom !== "now" && p.effectiveFrom.getTime() < now.getTime() - 60_000) {
    throw badRequest("A price starts now or later: past usage keeps the price it had", "effectiveFrom");
  }
  const effectiveFrom = p.effectiveFrom === "now" || p.effectiveFrom < earliest ? earliest : p.effectiveFrom;
  const before = inForce(await listPrices(), p.modelId, p.unit, effectiveFrom);
  const row = await insertPrice({ modelId: p.modelId, unit: p.unit, nanosPerUnit: p.nanosPerUnit, effectiveFrom });
  await audit({ accountId: null, action: "price.set", objectType: "price", objectId: String(row.id), before: before ? view(before) : null, after: view(row) });
  await configChanged();
  return row;
}

/** Every price row, newest first, each with whether it is scheduled, in force or superseded now. */
export async function priceHistory({ modelId, now = new Date() }: { modelId?: string | null; now?: Date } = {}) {
  const rows = await listPrices();
  const current = new Set<number>();
  for (const r of rows) {
    const f = inForce(rows, r.modelId, r.unit, now);
    if (f) current.add(f.id);
  }
  return rows
    .filter((r) => modelId === undefined || r.modelId === modelId)
    .map((r) => ({ ...r, status: (r.effectiveFrom > now ? "scheduled" : current.has(r.id) ? "in force" : "superseded") as PriceStatus }))
    .sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime() || b.id - a.id);
}
