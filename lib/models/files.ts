import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors";
import { formatBytes } from "./progress-text";

/*
 * Writing a model file into the models folder, whatever brings it (an upload
 * from the browser, a pull from a URL): under a hidden `.part` name that the
 * folder's watcher ignores, then renamed into place once complete and checked,
 * so the engine never sees half a file.
 */

/** A model file that cannot be taken, with a message safe to show the person adding it. */
export class ModelFileError extends AppError {
  constructor(message: string, status = 400, code = "invalid_model_file") {
    super(status, status >= 500 ? "server_error" : "invalid_request_error", message, null, code);
    this.name = "ModelFileError";
  }
}

/** A GGUF file begins with these four bytes. */
export const GGUF_MAGIC = "GGUF";

/** Room kept free on the disk after a model lands, so the database and logs can still write. */
const DISK_RESERVE = 256 * 1024 * 1024;

/** `name.gguf` as a plain file name inside the folder, or an error saying what is wrong. */
export function modelFileName(raw: string): string {
  const base = decodeURIComponent(raw).split(/[/\\]/).pop() ?? "";
  const name = base.trim();
  if (!/\.gguf$/i.test(name)) throw new ModelFileError("The file must be a GGUF model (name ending in .gguf)");
  if (name.startsWith(".") || /[\0]/.test(name) || name.length > 200 || name.length <= 5) {
    throw new ModelFileError("The file name must be 1 to 195 characters before .gguf, not starting with a dot");
  }
  return name.replace(/\.gguf$/i, ".gguf");
}

export const partPath = (dir: string, name: string) => path.join(dir, `.${name}.part`);
export const finalPath = (dir: string, name: string) => path.join(dir, name);

export async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/** Refuse a file that already has a model of its name, or that cannot fit on the disk. */
export async function checkRoom(dir: string, name: string, size: number | null): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  if (await exists(finalPath(dir, name))) {
    throw new ModelFileError(`The models folder already has ${name}: remove it first or choose another name`, 409, "model_exists");
  }
  if (size === null) return;
  const stats = await fs.statfs(dir);
  const free = stats.bavail * stats.bsize;
  if (size + DISK_RESERVE > free) {
    throw new ModelFileError(
      `The file is ${formatBytes(size)} but the models folder's disk has ${formatBytes(free)} free`,
      507,
      "insufficient_storage",
    );
  }
}

/** The SHA-256 of what a file holds so far (a resumed download carries on from it). */
export async function hashFile(file: string): Promise<ReturnType<typeof createHash>> {
  const hash = createHash("sha256");
  if (!(await exists(file))) return hash;
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash;
}

/** Check the first bytes are a GGUF header; a web page or an error body is not a model. */
export function checkMagic(first: Uint8Array): void {
  if (first.length >= 4 && Buffer.from(first.subarray(0, 4)).toString("latin1") !== GGUF_MAGIC) {
    throw new ModelFileError("This is not a GGUF file (it does not begin with the GGUF header)", 422, "not_gguf");
  }
}

/** Move a complete `.part` into place, never over an existing model. */
export async function publish(dir: string, name: string): Promise<string> {
  const target = finalPath(dir, name);
  // link() fails when the target exists, where rename() would silently replace a model.
  try {
    await fs.link(partPath(dir, name), target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new ModelFileError(`The models folder already has ${name}`, 409, "model_exists");
    throw err;
  }
  await fs.rm(partPath(dir, name), { force: true });
  return target;
}
