import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * The tiny real GGUF shared beside the project (see shared/models/README.md):
 * it loads and generates like any model, but its output is gibberish by design.
 */
export const TINY_GGUF = path.resolve(import.meta.dirname, "../../../shared/models/stories260K-tok-mismatch.gguf");
export const TINY_CONTEXT = 512;

/** A scratch models folder holding links named `<name>.gguf` to the tiny model; remove() deletes it. */
export async function tinyModelsDir(names: string[] = ["stories260k"]): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "llmaas-models-"));
  for (const name of names) await fs.symlink(TINY_GGUF, path.join(dir, `${name}.gguf`));
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}
