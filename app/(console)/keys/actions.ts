"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, consoleAction } from "@/lib/console/action-result";
import type { CreateKeyForm } from "@/lib/console/key-schema";
import { createKeyAs, revokeKeyAs, rotateKeyAs } from "@/lib/console/keys";

export interface NewSecret {
  id: string;
  name: string;
  secret: string;
  /** When the secret it replaced stops working, for a rotation with a grace period. */
  previousExpiresAt: string | null;
}

/** Create a key for the signed-in person; the secret comes back once, here. */
export async function createKeyAction(form: CreateKeyForm): Promise<ActionResult<NewSecret>> {
  return consoleAction("createKey", async (caller) => {
    const { key, secret } = await createKeyAs(caller, form);
    revalidatePath("/keys");
    return { id: key.id, name: key.name, secret, previousExpiresAt: null };
  });
}

export async function revokeKeyAction(id: string): Promise<ActionResult<null>> {
  return consoleAction("revokeKey", async (caller) => {
    await revokeKeyAs(caller, id);
    revalidatePath("/keys");
    return null;
  });
}

export async function rotateKeyAction(id: string, grace: string, name: string): Promise<ActionResult<NewSecret>> {
  return consoleAction("rotateKey", async (caller) => {
    const rotated = await rotateKeyAs(caller, id, grace);
    revalidatePath("/keys");
    return { id: rotated.id, name, secret: rotated.secret, previousExpiresAt: rotated.previousExpiresAt?.toISOString() ?? null };
  });
}
