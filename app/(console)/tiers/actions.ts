"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, consoleAction } from "@/lib/console/action-result";
import { saveTierAs } from "@/lib/console/tiers";
import type { TierForm } from "@/lib/limits/tier-schema";

/** Add a tier (without an id) or change one; its accounts follow from their next request. */
export async function saveTierAction(form: TierForm & { id?: number; name?: string }): Promise<ActionResult<{ id: number; name: string }>> {
  return consoleAction("saveTier", async (caller) => {
    const tier = await saveTierAs(caller, form);
    revalidatePath("/tiers");
    return tier;
  });
}
