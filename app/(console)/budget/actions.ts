"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, runAction } from "@/lib/console/action-result";
import { type BudgetSettingsForm, updateBudgetSettingsAs } from "@/lib/console/budget";
import { actionCaller } from "@/lib/console/caller";

export async function saveBudgetSettings(form: BudgetSettingsForm): Promise<ActionResult<null>> {
  return runAction("saveBudgetSettings", async () => {
    await updateBudgetSettingsAs(await actionCaller(), form);
    revalidatePath("/budget");
    return null;
  });
}
