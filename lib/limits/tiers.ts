import { z } from "zod";
import { audit } from "../audit/audit";
import { findTierByName, insertTier, listTiers, updateTier } from "@/db/queries/tiers";
import { eurosToNanos } from "../billing/money";
import { conflict, isUniqueViolation, notFound } from "../errors";
import { parseInput } from "../validate";

/** Euros as text ("200", "49.90") or null for "none"; undefined leaves a value unchanged. */
const euros = z
  .union([z.string(), z.number(), z.null()])
  .transform((v, ctx) => {
    if (v === null || v === "none") return null;
    try {
      const n = eurosToNanos(v);
      if (n < 0n) throw new Error();
      return n;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be an amount in euros, e.g. 200 or 49.90, or none" });
      return z.NEVER;
    }
  });
const tokens = z.union([z.number().int().positive(), z.null()]);

const tierFields = z.object({
  description: z.string().max(200).optional(),
  purchaseCredit: euros.optional(),
  monthlyLimit: euros.optional(),
  outputTokensPerHour: tokens.optional(),
  outputTokensPerDay: tokens.optional(),
  requestsPerMinute: z.number().int().positive().optional(),
  postpaid: z.boolean().optional(),
  highPriority: z.boolean().optional(),
});

function toColumns(f: z.infer<typeof tierFields>) {
  const v: Record<string, unknown> = {};
  if (f.description !== undefined) v.description = f.description;
  if (f.purchaseCredit !== undefined) v.purchaseCreditNanos = f.purchaseCredit;
  if (f.monthlyLimit !== undefined) v.monthlyLimitNanos = f.monthlyLimit;
  if (f.outputTokensPerHour !== undefined) v.outputTokensPerHour = f.outputTokensPerHour;
  if (f.outputTokensPerDay !== undefined) v.outputTokensPerDay = f.outputTokensPerDay;
  if (f.requestsPerMinute !== undefined) v.requestsPerMinute = f.requestsPerMinute;
  if (f.postpaid !== undefined) v.postpaid = f.postpaid;
  if (f.highPriority !== undefined) v.highPriority = f.highPriority;
  return v;
}

export type TierInput = z.input<typeof tierFields>;

/** Add a tier of the platform's own (the reference's tiers are seeded). */
export async function createTier(input: TierInput & { name: string }) {
  const name = parseInput(z.string().trim().min(1).max(100), input.name);
  const fields = parseInput(tierFields, input);
  try {
    const tier = await insertTier({ name, ...toColumns(fields) } as never);
    await audit({ accountId: null, action: "tier.create", objectType: "tier", objectId: String(tier.id), after: tier as unknown as Record<string, unknown> });
    return tier;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`Tier '${name}' already exists`, "name");
    throw err;
  }
}

/** Change a tier's limits; applies to its accounts within seconds, on every instance. */
export async function editTier(input: TierInput & { name: string }) {
  const tier = await findTierByName({ name: input.name });
  if (!tier) throw notFound(`Tier '${input.name}' does not exist`, "name");
  const fields = parseInput(tierFields, input);
  const updated = await updateTier({ id: tier.id, values: toColumns(fields) });
  await audit({ accountId: null, action: "tier.update", objectType: "tier", objectId: String(tier.id), before: tier as unknown as Record<string, unknown>, after: (updated ?? null) as Record<string, unknown> | null });
  return updated;
}

export { listTiers };
