"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, runAction } from "@/lib/console/action-result";
import { actionCaller } from "@/lib/console/caller";
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
  return runAction("createKey", async () => {
    const { key, secret } = await createKeyAs(await actionCaller(), form);
    revalidatePath("/keys");
    return { id: key.id, name: key.name, secret, previousExpiresAt: null };
  });
}

export async function revokeKeyAction(id: string): Promise<ActionResult<null>> {
  return runAction("revokeKey", async () => {
    await revokeKeyAs(await actionCaller(), id);
    revalidatePath("/keys");
    return null;
  });
}

export async function rotateKeyAction(id: string, grace: string, name: string): Promise<ActionResult<NewSecret>> {
  return runAction("rotateKey", async () => {
    const rotated = await rotateKeyAs(await actionCaller(), id, grace);
    revalidatePath("/keys");
    return { id: rotated.id, name, secret: rotated.secret, previousExpiresAt: rotated.previousExpiresAt?.toISOString() ?? null };
  });
}
