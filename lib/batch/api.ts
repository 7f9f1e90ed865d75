import { Readable } from "node:stream";
import { z } from "zod";
import { cancelBatchForAccount, countLines, findBatchForAccount, insertBatch, listBatchesForAccount } from "@/db/queries/batches";
import { deleteFileForAccount, findFileForAccount, insertFile, listFilesForAccount } from "@/db/queries/files";
import { AppError, badRequest, notFound } from "../errors";
import { validate } from "../gateway/body";
import type { ApiRequest } from "../gateway/wire";
import { BATCH_ENDPOINTS } from "./lines";
import { batchObject, fileObject, newBatchId, newFileId } from "./objects";
import { fileStorage } from "./storage";
import { receiveUpload } from "./upload";

/*
 * /v1/files and /v1/batches for one account. Everything is looked up by
 * account and id together: another account's file or batch does not exist (404).
 */

const COMPLETION_WINDOW_SECONDS = 24 * 3_600;

const noSuchFile = (id: string, param: string | null = null) => notFound(`No such File object: ${id}`, param, "file_not_found");
const noSuchBatch = (id: string) => notFound(`No such Batch object: ${id}`, null, "batch_not_found");

export async function createFile({ request, accountId, maxBytes }: { request: ApiRequest; accountId: string; maxBytes: number }) {
  const storage = fileStorage();
  const id = newFileId();
  const key = `${accountId}/${id}`;
  const upload = await receiveUpload(request, { storage, key, maxBytes });
  const refuse = async (err: AppError) => {
    await storage.delete(key).catch(() => {});
    return err;
  };
  const purpose = upload.fields.purpose;
  if (!purpose) throw await refuse(badRequest("Missing required parameter: 'purpose'", "purpose", "missing_required_parameter"));
  if (purpose !== "batch") {
    throw await refuse(badRequest(`Invalid parameter 'purpose': this platform accepts files for 'batch' only, not '${purpose}'`, "purpose", "invalid_parameter"));
  }
  if (upload.bytes === 0) throw await refuse(badRequest("The file is empty: a batch input file needs one request per line", "file", "empty_file"));
  const row = await insertFile({ values: { id, accountId, purpose, filename: upload.filename, bytes: upload.bytes, storageKey: key } });
  return fileObject(row);
}

const listFilesQuery = z.object({
  purpose: z.string().optional(),
  limit: z.coerce.number({ error: "must be an integer" }).int("must be an integer").min(1, "must be at least 1").max(10_000, "must be at most 10000").default(10_000),
  after: z.string().optional(),
  order: z.enum(["asc", "desc"], { error: "must be 'asc' or 'desc'" }).default("desc"),
});

export async function listFiles({ accountId, query }: { accountId: string; query: URLSearchParams }) {
  const q = validate(listFilesQuery, Object.fromEntries(query));
  const rows = await listFilesForAccount({ accountId, purpose: q.purpose, limit: q.limit + 1, after: q.after, order: q.order });
  if (!rows) throw noSuchFile(q.after!, "after");
  return page(rows.slice(0, q.limit).map(fileObject), rows.length > q.limit);
}

const page = <T extends { id: string }>(data: T[], hasMore: boolean) => ({
  object: "list",
  data,
  first_id: data[0]?.id ?? null,
  last_id: data.at(-1)?.id ?? null,
  has_more: hasMore,
});

export async function getFile({ accountId, id }: { accountId: string; id: string }) {
  const row = await findFileForAccount({ accountId, id });
  if (!row) throw noSuchFile(id);
  return fileObject(row);
}

/** The file's bytes, streamed from storage. */
export async function fileContent({ accountId, id }: { accountId: string; id: string }): Promise<Response> {
  const row = await findFileForAccount({ accountId, id });
  if (!row) throw noSuchFile(id);
  let stream: Readable;
  try {
    stream = await fileStorage().get(row.storageKey);
  } catch {
    throw new AppError(500, "server_error", "The file's content could not be read from storage", null, "file_unavailable");
  }
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    status: 200,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(row.bytes),
      "content-disposition": `attachment; filename="${row.filename.replace(/["\\\r\n]/g, "_")}"`,
    },
  });
}

export async function deleteFile({ accountId, id }: { accountId: string; id: string }) {
  const row = await deleteFileForAccount({ accountId, id });
  if (!row) throw noSuchFile(id);
  await fileStorage().delete(row.storageKey).catch(() => {});
  return { id, object: "file", deleted: true };
}

const createBatchBody = z.looseObject({
  input_file_id: z.string({ error: (i) => (i.input === undefined ? "required" : "must be a string") }).min(1, "must not be empty"),
  endpoint: z.string({ error: (i) => (i.input === undefined ? "required" : "must be a string") }),
  completion_window: z.string({ error: (i) => (i.input === undefined ? "required" : "must be a string") }),
  metadata: z
    .record(z.string().max(64, "keys must be at most 64 characters"), z.string({ error: "values must be strings" }).max(512, "values must be at most 512 characters"), {
      error: "must be an object of strings",
    })
    .refine((m) => Object.keys(m).length <= 16, "must have at most 16 keys")
    .nullable()
    .optional(),
});

export async function createBatch({ accountId, keyId, body }: { accountId: string; keyId: string; body: Record<string, unknown> }) {
  const b = validate(createBatchBody, body);
  if (!BATCH_ENDPOINTS[b.endpoint]) {
    throw badRequest(`Invalid parameter 'endpoint': must be one of ${Object.keys(BATCH_ENDPOINTS).join(", ")}`, "endpoint", "invalid_parameter");
  }
  if (b.completion_window !== "24h") throw badRequest("Invalid parameter 'completion_window': must be '24h'", "completion_window", "invalid_parameter");
  const file = await findFileForAccount({ accountId, id: b.input_file_id });
  if (!file) throw noSuchFile(b.input_file_id, "input_file_id");
  if (file.purpose !== "batch") {
    throw badRequest(`Invalid parameter 'input_file_id': file ${file.id} has purpose '${file.purpose}'; a batch reads a file uploaded with purpose 'batch'`, "input_file_id", "invalid_parameter");
  }
  const row = await insertBatch({
    id: newBatchId(),
    accountId,
    keyId,
    endpoint: b.endpoint,
    inputFileId: file.id,
    completionWindow: b.completion_window,
    metadata: b.metadata ?? null,
    windowSeconds: COMPLETION_WINDOW_SECONDS,
  });
  return batchObject(row);
}

export async function getBatch({ accountId, id }: { accountId: string; id: string }) {
  const row = await findBatchForAccount({ accountId, id });
  if (!row) throw noSuchBatch(id);
  return batchObject(row, (await countLines({ batchIds: [id] })).get(id));
}

const listBatchesQuery = z.object({
  limit: z.coerce.number({ error: "must be an integer" }).int("must be an integer").min(1, "must be at least 1").max(100, "must be at most 100").default(20),
  after: z.string().optional(),
});

export async function listBatches({ accountId, query }: { accountId: string; query: URLSearchParams }) {
  const q = validate(listBatchesQuery, Object.fromEntries(query));
  const rows = await listBatchesForAccount({ accountId, limit: q.limit + 1, after: q.after });
  if (!rows) throw noSuchBatch(q.after!);
  const shown = rows.slice(0, q.limit);
  const counts = await countLines({ batchIds: shown.map((r) => r.id) });
  return page(
    shown.map((r) => batchObject(r, counts.get(r.id))),
    rows.length > q.limit,
  );
}

export async function cancelBatch({ accountId, id }: { accountId: string; id: string }) {
  const row = await cancelBatchForAccount({ accountId, id });
  if (!row) {
    const existing = await findBatchForAccount({ accountId, id });
    if (!existing) throw noSuchBatch(id);
    if (existing.status !== "cancelling") {
      throw new AppError(409, "invalid_request_error", `Cannot cancel a batch with status '${existing.status}'`, null, "batch_not_cancellable");
    }
    return getBatch({ accountId, id });
  }
  return batchObject(row, (await countLines({ batchIds: [id] })).get(id));
}
