import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { TINY_GGUF } from "@/tests/support/models";
import { type SlowFileServer, startSlowFileServer } from "@/tests/support/slow-file-server";
import { type PullProgress, pullModel } from "./pull";

let dir: string;
let expected: string;
let size: number;
const servers: SlowFileServer[] = [];
const serve = async (options: Partial<Parameters<typeof startSlowFileServer>[0]> = {}) => {
  const s = await startSlowFileServer({ file: TINY_GGUF, name: "tiny.gguf", delayMs: 1, ...options });
  servers.push(s);
  return s;
};

beforeAll(async () => {
  const data = await fs.readFile(TINY_GGUF);
  expected = createHash("sha256").update(data).digest("hex");
  size = data.length;
});

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("pulling a model from a URL", () => {

  it("resumes with a Range request after the connection drops, verifies the SHA-256 and lands the file", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "llmaas-pull-"));
    const server = await serve();
    const seen: PullProgress[] = [];
    const result = await pullModel({ url: `${server.url}/tiny.gguf`, dir, sha256: expected, onProgress: (p) => seen.push(p) });
    expect(result).toMatchObject({ name: "tiny.gguf", bytes: size, sha256: expected });
    expect(createHash("sha256").update(await fs.readFile(path.join(dir, "tiny.gguf"))).digest("hex")).toBe(expected);
    expect(server.requests.map((r) => r.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    expect(Number(/\d+/.exec(server.requests[1]!.range!)![0])).toBeGreaterThan(0);
    expect(seen.at(-1)).toMatchObject({ received: size, total: size, resumed: 1 });
    expect(await fs.readdir(dir)).toEqual(["tiny.gguf"]);
  });

  it("discards a file whose SHA-256 does not match", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "llmaas-pull-"));
    const server = await serve({ dropAfter: null });
    await expect(pullModel({ url: `${server.url}/tiny.gguf`, dir, sha256: "0".repeat(64) })).rejects.toThrow(/SHA-256 is [0-9a-f]{64}, not the expected/);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it("stops when cancelled and leaves nothing behind", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "llmaas-pull-"));
    const server = await serve({ dropAfter: null, delayMs: 50, chunkBytes: 16 * 1024 });
    const controller = new AbortController();
    const pull = pullModel({
      url: `${server.url}/tiny.gguf`,
      dir,
      signal: controller.signal,
      onProgress: (p) => p.received > 100_000 && controller.abort(),
    });
    await expect(pull).rejects.toThrow();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it("refuses what is not a GGUF, a name that is not .gguf, and a file already there", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "llmaas-pull-"));
    const server = await serve({ file: path.resolve("package.json"), name: "fake.gguf", dropAfter: null });
    await expect(pullModel({ url: `${server.url}/fake.gguf`, dir })).rejects.toThrow(/not a GGUF file/);
    await expect(pullModel({ url: `${server.url}/notes.txt`, dir })).rejects.toThrow(/\.gguf/);
    await expect(pullModel({ url: "ftp://example.test/a.gguf", dir })).rejects.toThrow(/https:\/\/ or http:\/\//);
    await fs.writeFile(path.join(dir, "fake.gguf"), "x");
    await expect(pullModel({ url: `${server.url}/fake.gguf`, dir })).rejects.toThrow(/already has fake.gguf/);
  });
});
