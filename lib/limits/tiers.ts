import type { z } from "zod";
import { countAccountsByTier, findTierById, findTierByName, insertTier, listTiers, updateTier } from "@/db/queries/tiers";
import type { Tier } from "@/db/schema";
import { audit } from "../audit/audit";
import { configChanged } from "../config-changes";
import { limitsApplied } from "./propagation";
import { conflict, isUniqueViolation, notFound } from "../errors";
import { parseInput } from "../validate";
import { type TierForm, tierNameSchema, tierSchema } from "./tier-schema";

function toColumns(f: z.output<typeof tierSchema>) {
  const v: Partial<Omit<Tier, "id" | "name" | "builtin" | "createdAt">> = {};
  if (f.description !== undefined) v.description = f.description;
  if (f.purchaseCredit !== undefined) v.purchaseCreditNanos = f.purchaseCredit;
  if (f.monthlyLimit !== undefined) v.monthlyLimitNanos = f.monthlyLimit;
  if (f.outputTokensPerHour !== undefined) v.outputTokensPerHour = f.outputTokensPerHour;
  if (f.outputTokensPerDay !== undefined) v.outputTokensPerDay = f.outputTokensPerDay;
  if (f.requestsPerMinute !== undefined && f.requestsPerMinute !== null) v.requestsPerMinute = f.requestsPerMinute;
  if (f.postpaid !== undefined) v.postpaid = f.postpaid;
  if (f.highPriority !== undefined) v.highPriority = f.highPriority;
  return v;
}

export type TierInput = TierForm;

/** Add a tier of the platform's own (the reference's five are there from the start). */
export async function createTier(input: TierForm & { name: string }) {
  const name = parseInput(tierNameSchema, input.name);
  const fields = parseInput(tierSchema, input);
  try {
    const tier = await insertTier({ name, ...toColumns(fields) });
    await audit({ accountId: null, action: "tier.create", objectType: "tier", objectId: String(tier.id), after: tier });
    await configChanged();
    return tier;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`Tier '${name}' already exists`, "name");
    throw err;
  }
}

/** Change a tier's limits (by id, or by name for the CLI); exact for its accounts on every instance once this returns (see ./propagation.ts). */
export async function editTier(input: TierForm & { id?: number; name?: string }) {
  const tier = input.id !== undefined ? await findTierById({ id: input.id }) : input.name ? await findTierByName({ name: input.name }) : undefined;
  if (!tier) throw notFound(`Tier '${input.name ?? input.id ?? ""}' does not exist`, input.id !== undefined ? "id" : "name");
  const fields = parseInput(tierSchema, input);
  const updated = await updateTier({ id: tier.id, values: toColumns(fields) });
  await audit({ accountId: null, action: "tier.update", objectType: "tier", objectId: String(tier.id), before: tier, after: updated });
  await limitsApplied();
  return updated;
}

/** Every tier, with how many accounts are on it. */
export async function listTiersWithAccounts() {
  const [tiers, counts] = await Promise.all([listTiers(), countAccountsByTier()]);
  return tiers.map((t) => ({ ...t, accounts: counts.get(t.id) ?? 0 }));
}

export { listTiers };
