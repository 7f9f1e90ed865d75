import { headers } from "next/headers";
import { listConversationsForUser } from "@/db/queries/conversations";
import type { Capability } from "@/lib/models/capabilities";
import { consoleModels } from "@/lib/console/catalogue";
import { consoleKeyFor } from "@/lib/keys/console";
import { publicUrl } from "@/lib/public-url";
import { requireSession } from "@/lib/session";

/** The signed-in user, the models they may use with `capability`, and the API's base URL for code snippets. */
export async function loadPlayground(capability: Capability) {
  const { user } = await requireSession();
  const [key, requestHeaders] = await Promise.all([consoleKeyFor(user.id), headers()]);
  const models = (await consoleModels(key)).filter((m) => m.capabilities.includes(capability));
  return { user, models, baseUrl: `${publicUrl(requestHeaders)}/v1`, isAdmin: user.role === "admin" || user.superadmin, canAddModels: user.superadmin };
}

export async function loadConversations(userId: string) {
  return (await listConversationsForUser({ userId })).map((c) => ({ ...c, updatedAt: c.updatedAt.toISOString() }));
}
