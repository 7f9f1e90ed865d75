"use server";

import { revalidatePath } from "next/cache";
import type { BackendForm } from "@/lib/backends/backend-schema";
import type { BackendTestResult } from "@/lib/backends/test-call";
import { type ActionResult, consoleAction } from "@/lib/console/action-result";
import { addBackendAs, editBackendAs, setBackendEnabledAs, testBackendAs } from "@/lib/console/backends";

export async function addBackendAction(form: BackendForm): Promise<ActionResult<{ id: string; name: string }>> {
  return consoleAction("addBackend", async (caller) => {
    const b = await addBackendAs(caller, form);
    revalidatePath("/backends");
    return b;
  });
}

export async function editBackendAction(id: string, form: Partial<BackendForm>): Promise<ActionResult<{ id: string; name: string }>> {
  return consoleAction("editBackend", async (caller) => {
    const b = await editBackendAs(caller, id, form);
    revalidatePath("/backends");
    return b;
  });
}

export async function setBackendEnabledAction(id: string, enabled: boolean): Promise<ActionResult<{ id: string; enabled: boolean }>> {
  return consoleAction("setBackendEnabled", async (caller) => {
    const b = await setBackendEnabledAs(caller, id, enabled);
    revalidatePath("/backends");
    return b;
  });
}

/** A real, small request to the backend; the answer and its time, or the error in the gateway's words. */
export async function testBackendAction(id: string): Promise<ActionResult<BackendTestResult>> {
  return consoleAction("testBackend", (caller) => testBackendAs(caller, id));
}
