import { deleteConversationForUser, findConversationForUser, updateConversationForUser } from "@/db/queries/conversations";
import { consoleCaller } from "@/lib/console/auth";
import { badRequest, notFound, toAppError } from "@/lib/errors";
import { conversationSchema, idSchema } from "../schema";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

const missing = () => notFound("This conversation does not exist or was deleted", "id");

async function caller({ params }: Params) {
  const { user } = await consoleCaller();
  const { id } = await params;
  if (!idSchema.safeParse(id).success) throw missing();
  return { userId: user.id, id };
}

export async function GET(_request: Request, context: Params) {
  try {
    const row = await findConversationForUser(await caller(context));
    if (!row) throw missing();
    return Response.json(row);
  } catch (err) {
    return toAppError(err).toResponse();
  }
}

export async function PUT(request: Request, context: Params) {
  try {
    const who = await caller(context);
    const parsed = conversationSchema.safeParse(await request.json().catch(() => null));
    if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message);
    const row = await updateConversationForUser({ ...who, values: parsed.data });
    if (!row) throw missing();
    return Response.json(row);
  } catch (err) {
    return toAppError(err).toResponse();
  }
}

export async function DELETE(_request: Request, context: Params) {
  try {
    const row = await deleteConversationForUser(await caller(context));
    if (!row) throw missing();
    return new Response(null, { status: 204 });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
