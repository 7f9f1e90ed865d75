import { createTier, editTier, listTiersWithAccounts } from "@/lib/limits/tiers";
import type { TierForm } from "@/lib/limits/tier-schema";
import { requirePlatformAdmin } from "./admin";
import type { Caller } from "./authz";

/** The tiers page: every tier, with its accounts counted. */
export async function listTiersAs(caller: Caller) {
  requirePlatformAdmin(caller, "manage tiers");
  return listTiersWithAccounts();
}

/** Add a tier (no id) or change one; what comes back is plain data for the page. */
export async function saveTierAs(caller: Caller, input: TierForm & { id?: number; name?: string }) {
  requirePlatformAdmin(caller, "manage tiers");
  const tier = input.id === undefined ? await createTier({ ...input, name: input.name ?? "" }) : await editTier({ ...input, name: undefined });
  return { id: tier.id, name: tier.name };
}
