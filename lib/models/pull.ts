import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { ModelFileError, checkMagic, checkRoom, hashFile, modelFileName, partPath, publish } from "./files";

export interface PullProgress {
  received: number;
  /** Bytes of the whole file, when the server says. */
  total: number | null;
  /** Average over the last few seconds. */
  bytesPerSecond: number;
  /** Seconds left at that speed, when the total is known. */
  secondsLeft: number | null;
  /** Times the connection dropped and the download carried on from where it stopped. */
  resumed: number;
}

export interface PullOptions {
  url: string;
  dir: string;
  /** The file name to save as; by default the URL's last path segment. */
  name?: string;
  /** Expected SHA-256, hex: the file is kept only if it matches. */
  sha256?: string;
  signal?: AbortSignal;
  onProgress?(p: PullProgress): void;
  /** Reconnections allowed after a dropped connection. */
  retries?: number;
  /** Keep the partial file when cancelled, so a later pull resumes (the CLI); the console discards it. */
  keepPartialOnAbort?: boolean;
}

export interface PullResult {
  name: string;
  path: string;
  bytes: number;
  sha256: string;
}

const SHA256 = /^[0-9a-f]{64}$/i;

/** The name a pull saves under: the one given, or the URL's file name. */
export function pullTarget(url: string, name?: string): { url: URL; name: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ModelFileError("The URL is not valid");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new ModelFileError("The URL must start with https:// or http://");
  const fromUrl = parsed.pathname.split("/").filter(Boolean).pop() ?? "";
  return { url: parsed, name: modelFileName(name || fromUrl) };
}

/** A rolling speed over the last samples, so one slow second does not swing the estimate. */
function speedometer(windowMs = 5000) {
  const samples: { at: number; bytes: number }[] = [];
  return (bytes: number) => {
    const now = Date.now();
    samples.push({ at: now, bytes });
    while (samples.length > 2 && now - samples[0]!.at > windowMs) samples.shift();
    const first = samples[0]!;
    const span = (now - first.at) / 1000;
    return span > 0 ? (bytes - first.bytes) / span : 0;
  };
}

/**
 * Download a GGUF model from an HTTP(S) URL into the models folder: streamed
 * to disk, resumed with a Range request after a dropped connection (and
 * across runs, from the `.part` left behind), checked against a SHA-256 when
 * one is given, and moved into place only when complete.
 */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  const { url, name } = pullTarget(options.url, options.name);
  if (options.sha256 !== undefined && !SHA256.test(options.sha256)) throw new ModelFileError("The SHA-256 must be 64 hexadecimal characters");
  const part = partPath(options.dir, name);
  const signal = options.signal ?? new AbortController().signal;
  const retries = options.retries ?? 5;
  await checkRoom(options.dir, name, null);

  let received = (await fs.stat(part).catch(() => null))?.size ?? 0;
  let hash = await hashFile(part);
  let total: number | null = null;
  let resumed = 0;
  let checkedRoom = false;
  const speed = speedometer();
  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!force && now - lastReport < 200) return;
    lastReport = now;
    const bytesPerSecond = speed(received);
    options.onProgress?.({
      received,
      total,
      bytesPerSecond,
      secondsLeft: total !== null && bytesPerSecond > 0 ? Math.max(0, (total - received) / bytesPerSecond) : null,
      resumed,
    });
  };

  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(url, { signal, redirect: "follow", headers: received > 0 ? { range: `bytes=${received}-` } : {} });
        if (res.status === 416 && received > 0) {
          // The part already holds the whole file.
          total = received;
          break;
        }
        if (res.status !== 200 && res.status !== 206) throw new ModelFileError(`The server answered ${res.status} ${res.statusText}`.trim(), 502, "download_failed");
        if (res.status === 200 && received > 0) {
          // The server ignores ranges: start over.
          received = 0;
          hash = createHash("sha256");
          await fs.rm(part, { force: true });
        }
        const length = Number(res.headers.get("content-length"));
        const range = /\/(\d+)$/.exec(res.headers.get("content-range") ?? "");
        total = range ? Number(range[1]) : Number.isFinite(length) && length > 0 ? received + length : null;
        if (!checkedRoom && total !== null) {
          await checkRoom(options.dir, name, total - received);
          checkedRoom = true;
        }
        if (!res.body) throw new ModelFileError("The server sent no file", 502, "download_failed");
        const out = await fs.open(part, "a");
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            if (received === 0) checkMagic(chunk);
            await out.write(chunk);
            hash.update(chunk);
            received += chunk.length;
            report();
          }
        } finally {
          await out.close();
        }
        if (total !== null && received < total) throw new Error("connection closed early");
        break;
      } catch (err) {
        if (signal.aborted || err instanceof ModelFileError || attempt >= retries) throw err;
        resumed++;
        report(true);
        // A short pause, longer each time: a server that just dropped us may need a moment.
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 8000)));
        signal.throwIfAborted();
      }
    }
    report(true);
    const digest = hash.digest("hex");
    if (options.sha256 && digest !== options.sha256.toLowerCase()) {
      await fs.rm(part, { force: true });
      throw new ModelFileError(`The file's SHA-256 is ${digest}, not the expected ${options.sha256.toLowerCase()}: it was discarded`, 422, "checksum_mismatch");
    }
    const path = await publish(options.dir, name);
    return { name, path, bytes: received, sha256: digest };
  } catch (err) {
    // Bad content is discarded, and so is a cancelled pull unless it may resume later; a dropped network keeps what came.
    const discard = signal.aborted ? !options.keepPartialOnAbort : err instanceof ModelFileError && err.code !== "model_exists";
    if (discard) await fs.rm(part, { force: true });
    throw err;
  }
}
