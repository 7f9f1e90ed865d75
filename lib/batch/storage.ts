import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "../env";

/**
 * Where the bytes of uploaded and batch-written files live. Objects are
 * written once and never changed; the `files` table says who owns which.
 * A store for an S3-compatible service implements these four methods
 * (e.g. with @aws-sdk/lib-storage's Upload for `put`) and is returned by
 * `fileStorage()` instead of the local folder.
 */
export interface FileStorage {
  /** Store a stream under `key`; resolves with its size once it is durable. */
  put(key: string, body: Readable | AsyncIterable<Uint8Array | string>): Promise<{ bytes: number }>;
  /** The object's bytes as a stream. */
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
}

/** A folder on disk (shared by every instance that serves or works batches when there are several). */
export class LocalFileStorage implements FileStorage {
  constructor(readonly root: string) {}

  private pathOf(key: string) {
    if (!/^[\w.-]+(\/[\w.-]+)*$/.test(key) || key.includes("..")) throw new Error(`invalid storage key ${key}`);
    return path.join(this.root, key);
  }

  async put(key: string, body: Readable | AsyncIterable<Uint8Array | string>): Promise<{ bytes: number }> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    let bytes = 0;
    const out = createWriteStream(partial);
    try {
      await pipeline(
        body,
        async function* count(source: AsyncIterable<Uint8Array | string>) {
          for await (const chunk of source) {
            const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
            bytes += buf.byteLength;
            yield buf;
          }
        },
        out,
      );
      await fs.rename(partial, file);
    } catch (err) {
      await fs.rm(partial, { force: true });
      throw err;
    }
    return { bytes };
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    await fs.access(file);
    return createReadStream(file);
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }
}

const holder = globalThis as unknown as { __llmaasFileStorage?: FileStorage };

/** The process's file storage: LLMAAS_FILES_DIR, by default the `files` folder of the data folder. */
export function fileStorage(): FileStorage {
  const e = env();
  holder.__llmaasFileStorage ??= new LocalFileStorage(path.resolve(e.LLMAAS_FILES_DIR));
  return holder.__llmaasFileStorage;
}

/** Use another store (an S3-compatible one, or a test's folder). */
export function setFileStorage(storage: FileStorage | undefined): void {
  holder.__llmaasFileStorage = storage;
}
