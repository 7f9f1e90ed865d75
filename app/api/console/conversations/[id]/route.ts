import { deleteConversationForUser, findConversationForUser, updateConversationForUser } from "@/db/queries/conversations";
import { type ConsoleRouteContext, JSON_BODY, consoleRoute } from "@/lib/console/route";
import { badRequest, notFound } from "@/lib/errors";
import { conversationSchema, idSchema } from "../schema";

export const dynamic = "force-dynamic";

type Params = { id: string };

const missing = () => notFound("This conversation does not exist or was deleted", "id");

function owned({ caller, params }: ConsoleRouteContext<Params>) {
  if (!idSchema.safeParse(params.id).success) throw missing();
  return { userId: caller.user.id, id: params.id };
}

export const GET = consoleRoute<Params>(async (_request, context) => {
  const row = await findConversationForUser(owned(context));
  if (!row) throw missing();
  return Response.json(row);
});

export const PUT = consoleRoute<Params>(
  async (request, context) => {
    const who = owned(context);
    const parsed = conversationSchema.safeParse(await request.json().catch(() => null));
    if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message);
    const row = await updateConversationForUser({ ...who, values: parsed.data });
    if (!row) throw missing();
    return Response.json(row);
  },
  { accepts: JSON_BODY },
);

export const DELETE = consoleRoute<Params>(async (_request, context) => {
  const row = await deleteConversationForUser(owned(context));
  if (!row) throw missing();
  return new Response(null, { status: 204 });
});
