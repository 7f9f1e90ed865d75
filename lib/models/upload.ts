import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { ModelFileError, checkMagic, checkRoom, modelFileName, partPath, publish } from "./files";

/** The largest file the console takes: well above any model a CPU serves, well below a runaway upload. */
export const MAX_UPLOAD_BYTES = 200 * 1024 ** 3;

/** The checks made before a byte is sent: a .gguf name not taken yet, a size the disk has room for. */
export async function checkUpload({ dir, fileName, size }: { dir: string; fileName: string; size: number }) {
  const name = modelFileName(fileName);
  if (!Number.isSafeInteger(size) || size <= 0) throw new ModelFileError("The upload must say its size (Content-Length)", 411, "length_required");
  if (size > MAX_UPLOAD_BYTES) throw new ModelFileError("The file is larger than the console accepts (200 GiB)", 413, "file_too_large");
  await checkRoom(dir, name, size);
  return { name, model: name.replace(/\.gguf$/i, ""), size };
}

/**
 * Write an uploaded GGUF into the models folder as it arrives, chunk by chunk
 * (never the whole file in memory): the declared size is checked against the
 * disk before the first byte is written and against what actually came after
 * the last; anything short, long, cancelled or not a GGUF is discarded.
 */
export async function receiveUpload({ dir, fileName, size, body }: { dir: string; fileName: string; size: number; body: ReadableStream<Uint8Array> | null }) {
  const { name } = await checkUpload({ dir, fileName, size });
  if (!body) throw new ModelFileError("The upload has no file");
  const part = partPath(dir, name);
  const hash = createHash("sha256");
  let received = 0;
  const out = await fs.open(part, "w");
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      if (received === 0) checkMagic(chunk);
      received += chunk.length;
      if (received > size) throw new ModelFileError("The upload is longer than it said it would be");
      await out.write(chunk);
      hash.update(chunk);
    }
    await out.close();
    if (received < size) throw new ModelFileError(`The upload stopped after ${received} of ${size} bytes`);
    await publish(dir, name);
    return { name, model: name.replace(/\.gguf$/i, ""), bytes: received, sha256: hash.digest("hex") };
  } catch (err) {
    await out.close().catch(() => {});
    await fs.rm(part, { force: true });
    throw err;
  }
}
