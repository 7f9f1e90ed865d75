import fs from "node:fs/promises";
import os from "node:os";
import { findBackendByName } from "@/db/queries/backends";
import { AppError } from "../errors";
import { addBackend, addModel, listModels } from "../backends/registry";
import { env } from "../env";
import { log } from "../log";
import { listModelFiles, readModelFileInfo } from "./files";

export const EMBEDDED_BACKEND = "embedded";

/** Architectures that only encode text: their GGUFs serve embeddings, not chat. */
const ENCODERS = new Set(["bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "jina-bert-v3", "t5encoder", "modern-bert", "neo-bert"]);

/**
 * Make the embedded engine's models usable on a fresh install: the
 * "embedded" backend, and a model for every GGUF in the models folder that
 * has no model of its id yet (models already there, perhaps edited by an
 * admin, are left alone). Never stops the platform from starting: what
 * cannot be registered is logged.
 */
export async function registerEmbeddedModels(options: { modelsDir?: string; contextSize?: number } = {}): Promise<{ added: string[] }> {
  const dir = options.modelsDir ?? env().LLMAAS_MODELS_DIR;
  const contextCap = options.contextSize ?? env().LLMAAS_ENGINE_CONTEXT;
  const added: string[] = [];
  try {
    // A fresh install gets the folder, so dropping a file in is all it takes to add a model.
    await fs.mkdir(dir, { recursive: true }).catch(() => {});
    if (!(await findBackendByName({ name: EMBEDDED_BACKEND }))) {
      await addBackend({ name: EMBEDDED_BACKEND, engine: "embedded", url: "embedded://local", machine: os.hostname().slice(0, 100) || "localhost" }).catch(
        (err: unknown) => {
          // Another instance starting at the same moment made it first.
          if (!(err instanceof AppError && err.status === 409)) throw err;
        },
      );
    }
    const existing = new Set((await listModels()).map((m) => m.id));
    for (const file of await listModelFiles(dir)) {
      if (existing.has(file.id)) continue;
      try {
        const info = await readModelFileInfo(file.path);
        const encoder = info.architecture !== null && ENCODERS.has(info.architecture);
        await addModel({
          id: file.id,
          backend: EMBEDDED_BACKEND,
          upstreamId: file.id,
          capabilities: encoder ? ["embeddings"] : ["chat"],
          // What a request can hold is what the engine gives it: the trained length, or less when capped.
          maxModelLen: Math.min(info.contextLength ?? contextCap, contextCap),
          description: `GGUF file ${file.id}.gguf${info.architecture ? ` (${info.architecture})` : ""}, served by the embedded engine`,
        });
        added.push(file.id);
      } catch (err) {
        log.warn("a GGUF file could not be registered as a model", { model: file.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (added.length > 0) log.info("registered embedded models", { models: added });
  } catch (err) {
    log.warn("the embedded engine's models could not be registered", { error: err instanceof Error ? err.message : String(err) });
  }
  return { added };
}
