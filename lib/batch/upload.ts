import { Readable } from "node:stream";
import Busboy from "busboy";
import { AppError, badRequest } from "../errors";
import type { ApiRequest } from "../gateway/wire";
import type { FileStorage } from "./storage";

export interface Upload {
  filename: string;
  bytes: number;
  fields: Record<string, string>;
}

const tooLarge = (limit: number) =>
  new AppError(413, "invalid_request_error", `File too large: the limit is ${limit} bytes`, "file", "file_too_large");

/**
 * Read a multipart upload, streaming its `file` part into `storage` under
 * `key` as it arrives (never the whole file in memory), and its other
 * fields as text. Over `maxBytes`, the stored part is deleted and 413 is thrown.
 */
export async function receiveUpload(request: ApiRequest, options: { storage: FileStorage; key: string; maxBytes: number }): Promise<Upload> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw badRequest(`Unsupported content type '${type || "(none)"}': send the file as multipart/form-data`, null, "unsupported_content_type");
  }
  // A declared length well over the limit is refused before a byte is stored (parts' headers take a little room).
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > options.maxBytes + 64 * 1024) throw tooLarge(options.maxBytes);
  if (!request.body) throw badRequest("Missing required parameter: 'file'", "file", "missing_required_parameter");

  let parser: Busboy.Busboy;
  try {
    parser = Busboy({ headers: { "content-type": type }, limits: { files: 1, fileSize: options.maxBytes, fields: 20, fieldSize: 64 * 1024 } });
  } catch {
    throw badRequest("We could not parse the multipart body of your request", null, "invalid_multipart");
  }
  const fields: Record<string, string> = {};
  let stored: Promise<{ bytes: number }> | null = null;
  let filename = "";
  let truncated = false;

  const parsed = new Promise<void>((resolve, reject) => {
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || stored) {
        stream.resume();
        return;
      }
      filename = info.filename || "upload.jsonl";
      stream.on("limit", () => {
        truncated = true;
      });
      stored = options.storage.put(options.key, stream);
      // Seen by the caller through `stored`; caught here so it is never unhandled.
      stored.catch(() => {});
    });
    parser.on("close", () => resolve());
    parser.on("error", () => reject(badRequest("We could not parse the multipart body of your request", null, "invalid_multipart")));
  });
  const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  source.on("error", () => parser.destroy(new Error("upload aborted")));
  source.pipe(parser);

  try {
    await parsed;
    const result = stored ? await (stored as Promise<{ bytes: number }>) : null;
    if (truncated) throw tooLarge(options.maxBytes);
    if (!result) throw badRequest("Missing required parameter: 'file'", "file", "missing_required_parameter");
    return { filename, bytes: result.bytes, fields };
  } catch (err) {
    source.destroy();
    if (stored) await options.storage.delete(options.key).catch(() => {});
    throw err;
  }
}
