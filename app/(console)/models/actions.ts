"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, consoleAction } from "@/lib/console/action-result";
import { addModelAs, addModelBackendAs, editModelAs, removeModelBackendAs } from "@/lib/console/model-admin";
import type { ModelBackendForm, ModelForm, NewModelForm } from "@/lib/models/model-schema";

// Every page under /models shows the catalogue as it is now.
const refresh = () => revalidatePath("/models", "layout");

export async function addModelAction(form: NewModelForm): Promise<ActionResult<{ id: string }>> {
  return consoleAction("addModel", async (caller) => {
    const m = await addModelAs(caller, form);
    refresh();
    return m;
  });
}

export async function editModelAction(id: string, form: ModelForm): Promise<ActionResult<{ id: string; visible: boolean }>> {
  return consoleAction("editModel", async (caller) => {
    const m = await editModelAs(caller, id, form);
    refresh();
    return m;
  });
}

export async function addModelBackendAction(id: string, form: ModelBackendForm): Promise<ActionResult<null>> {
  return consoleAction("addModelBackend", async (caller) => {
    await addModelBackendAs(caller, id, form);
    refresh();
    return null;
  });
}

export async function removeModelBackendAction(id: string, backendId: string): Promise<ActionResult<null>> {
  return consoleAction("removeModelBackend", async (caller) => {
    await removeModelBackendAs(caller, id, backendId);
    refresh();
    return null;
  });
}
