import { platformAdminCaller } from "@/lib/console/admin";
import { env } from "@/lib/env";
import { toAppError } from "@/lib/errors";
import { offerNewModels } from "@/lib/models/jobs";
import { checkUpload, receiveUpload } from "@/lib/models/upload";

export const dynamic = "force-dynamic";

/** Before sending a file: is the name free and is there room for `size` bytes? */
export async function GET(request: Request) {
  try {
    await platformAdminCaller();
    const url = new URL(request.url);
    return Response.json(await checkUpload({ dir: env().LLMAAS_MODELS_DIR, fileName: url.searchParams.get("name") ?? "", size: Number(url.searchParams.get("size")) }));
  } catch (err) {
    return toAppError(err).toResponse();
  }
}

/** PUT the raw file (not a form) with ?name=<file>.gguf: it streams to the models folder. */
export async function PUT(request: Request) {
  try {
    await platformAdminCaller();
    const url = new URL(request.url);
    const result = await receiveUpload({
      dir: env().LLMAAS_MODELS_DIR,
      fileName: url.searchParams.get("name") ?? "",
      size: Number(request.headers.get("content-length")),
      body: request.body,
    });
    await offerNewModels();
    return Response.json(result, { status: 201 });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
