import { requirePlatformAdmin } from "@/lib/console/admin";
import { consoleRoute } from "@/lib/console/route";
import { env } from "@/lib/env";
import { offerNewModels } from "@/lib/models/jobs";
import { checkUpload, receiveUpload } from "@/lib/models/upload";

export const dynamic = "force-dynamic";

/** Before sending a file: is the name free and is there room for `size` bytes? */
export const GET = consoleRoute(async (request, { who }) => {
  requirePlatformAdmin(who);
  const url = new URL(request.url);
  return Response.json(await checkUpload({ dir: env().LLMAAS_MODELS_DIR, fileName: url.searchParams.get("name") ?? "", size: Number(url.searchParams.get("size")) }));
});

/** PUT the raw file (not a form) with ?name=<file>.gguf: it streams to the models folder. */
export const PUT = consoleRoute(async (request, { who }) => {
  requirePlatformAdmin(who);
  const url = new URL(request.url);
  const result = await receiveUpload({
    dir: env().LLMAAS_MODELS_DIR,
    fileName: url.searchParams.get("name") ?? "",
    size: Number(request.headers.get("content-length")),
    body: request.body,
  });
  await offerNewModels();
  return Response.json(result, { status: 201 });
});
