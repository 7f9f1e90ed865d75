"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, runAction } from "@/lib/console/action-result";
import { actionCaller } from "@/lib/console/caller";
import { type CreditForm, creditAccountAs } from "@/lib/finance/credit";

export async function creditAccountAction(form: CreditForm): Promise<ActionResult<{ balanceNanos: string }>> {
  return runAction("creditAccount", async () => {
    const { balanceNanos } = await creditAccountAs(await actionCaller(), form);
    revalidatePath("/finance");
    return { balanceNanos: balanceNanos.toString() };
  });
}
