import { insertConversation, listConversationsForUser } from "@/db/queries/conversations";
import { consoleCaller } from "@/lib/console/auth";
import { badRequest, toAppError } from "@/lib/errors";
import { conversationSchema } from "./schema";

export const dynamic = "force-dynamic";

/*
 * Route handlers rather than server actions: a conversation with images
 * easily passes the 1 MB a server action accepts.
 */

export async function GET() {
  try {
    const { user } = await consoleCaller();
    return Response.json({ data: await listConversationsForUser({ userId: user.id }) });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}

export async function POST(request: Request) {
  try {
    const { user } = await consoleCaller();
    const parsed = conversationSchema.safeParse(await request.json().catch(() => null));
    if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message);
    const row = await insertConversation({ userId: user.id, accountId: user.accountId, values: parsed.data });
    return Response.json(row, { status: 201 });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
