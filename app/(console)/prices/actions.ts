"use server";

import { revalidatePath } from "next/cache";
import type { PriceForm } from "@/lib/billing/price-schema";
import { type ActionResult, consoleAction } from "@/lib/console/action-result";
import { setPriceAs } from "@/lib/console/prices";

/** Add a price from now or a later time; past usage keeps its price. */
export async function setPriceAction(form: PriceForm): Promise<ActionResult<{ id: number; effectiveFrom: string }>> {
  return consoleAction("setPrice", async (caller) => {
    const row = await setPriceAs(caller, form);
    revalidatePath("/prices");
    revalidatePath("/models", "layout");
    return row;
  });
}
