import { insertConversation, listConversationsForUser } from "@/db/queries/conversations";
import { badRequest } from "@/lib/errors";
import { JSON_BODY, consoleRoute } from "@/lib/console/route";
import { conversationSchema } from "./schema";

export const dynamic = "force-dynamic";

/*
 * Route handlers rather than server actions: a conversation with images
 * easily passes the 1 MB a server action accepts.
 */

export const GET = consoleRoute(async (_request, { caller: { user } }) =>
  Response.json({ data: await listConversationsForUser({ userId: user.id }) }),
);

export const POST = consoleRoute(
  async (request, { caller: { user } }) => {
    const parsed = conversationSchema.safeParse(await request.json().catch(() => null));
    if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message);
    const row = await insertConversation({ userId: user.id, accountId: user.accountId, values: parsed.data });
    return Response.json(row, { status: 201 });
  },
  { accepts: JSON_BODY },
);
