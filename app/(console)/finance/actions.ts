"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, consoleAction } from "@/lib/console/action-result";
import { type CreditForm, creditAccountAs } from "@/lib/finance/credit";

export async function creditAccountAction(form: CreditForm): Promise<ActionResult<{ balanceNanos: string }>> {
  return consoleAction("creditAccount", async (caller) => {
    const { balanceNanos } = await creditAccountAs(caller, form);
    revalidatePath("/finance");
    return { balanceNanos: balanceNanos.toString() };
  });
}
