"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, consoleAction } from "@/lib/console/action-result";
import { type BudgetSettingsForm, updateBudgetSettingsAs } from "@/lib/console/budget";

export async function saveBudgetSettings(form: BudgetSettingsForm): Promise<ActionResult<null>> {
  return consoleAction("saveBudgetSettings", async (caller) => {
    await updateBudgetSettingsAs(caller, form);
    revalidatePath("/budget");
    return null;
  });
}
