import fs from "node:fs/promises";
import os from "node:os";
import { deleteModel, findBackendByName, unlinkModelFromBackend } from "@/db/queries/backends";
import { AppError } from "../errors";
import { addBackend } from "../backends/registry";
import { addModel, listModels } from "../models/manage";
import { env } from "../env";
import { log } from "../log";
import { listModelFiles, readModelFileInfo } from "./files";
import { BUILTIN_SPEECH_MODEL, speechEngineAvailable } from "./speech/espeak";

export const EMBEDDED_BACKEND = "embedded";

/** Architectures that only encode text: their GGUFs serve embeddings, not chat. */
const ENCODERS = new Set(["bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "jina-bert-v3", "t5encoder", "modern-bert", "neo-bert"]);

export interface SyncResult {
  added: string[];
  removed: string[];
}

async function ensureEmbeddedBackend() {
  const found = await findBackendByName({ name: EMBEDDED_BACKEND });
  if (found) return found;
  try {
    return await addBackend({ name: EMBEDDED_BACKEND, engine: "embedded", url: "embedded://local", machine: os.hostname().slice(0, 100) || "localhost" });
  } catch (err) {
    // Another instance starting at the same moment made it first.
    if (!(err instanceof AppError && err.status === 409)) throw err;
    return (await findBackendByName({ name: EMBEDDED_BACKEND }))!;
  }
}

/**
 * Make the catalogue match what the embedded engine can serve: the
 * "embedded" backend; a model for every GGUF in the models folder that has no
 * model of its id yet (models already there, perhaps edited by an admin, are
 * left alone); the built-in speech model when its engine is installed. With
 * `removeMissing`, a GGUF model whose file is gone loses its embedded backend,
 * and the model goes when no other backend serves it. Never stops the
 * platform: what cannot be registered is logged.
 */
export function registerEmbeddedModels(options: SyncOptions = {}): Promise<SyncResult> {
  // One look at a time in a process (the watcher and an upload finishing may ask together).
  const run = looking.then(() => syncEmbeddedModels(options));
  looking = run.catch(() => {});
  return run;
}

interface SyncOptions {
  modelsDir?: string;
  contextSize?: number;
  removeMissing?: boolean;
}

let looking: Promise<unknown> = Promise.resolve();

async function syncEmbeddedModels(options: SyncOptions): Promise<SyncResult> {
  const dir = options.modelsDir ?? env().LLMAAS_MODELS_DIR;
  const contextCap = options.contextSize ?? env().LLMAAS_ENGINE_CONTEXT;
  const added: string[] = [];
  const removed: string[] = [];
  try {
    // A fresh install gets the folder, so dropping a file in is all it takes to add a model.
    await fs.mkdir(dir, { recursive: true }).catch(() => {});
    const backend = await ensureEmbeddedBackend();
    const models = await listModels();
    const existing = new Set(models.map((m) => m.id));
    const files = await listModelFiles(dir);
    for (const file of files) {
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
        // A file still being copied has no readable header yet: the next look registers it.
        log.warn("a GGUF file could not be registered as a model", { model: file.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (!existing.has(BUILTIN_SPEECH_MODEL) && (await speechEngineAvailable())) {
      await addModel({
        id: BUILTIN_SPEECH_MODEL,
        backend: EMBEDDED_BACKEND,
        upstreamId: BUILTIN_SPEECH_MODEL,
        capabilities: ["speech"],
        maxModelLen: 4096,
        description: "Built-in text to speech (eSpeak NG): many languages, robotic but clear; wav, mp3 and pcm",
      });
      added.push(BUILTIN_SPEECH_MODEL);
    }
    if (options.removeMissing) {
      const present = new Set(files.map((f) => f.id));
      for (const m of models) {
        const link = m.backends.find((b) => b.name === EMBEDDED_BACKEND);
        if (!link || link.upstreamId === BUILTIN_SPEECH_MODEL || present.has(link.upstreamId)) continue;
        if (m.backends.length === 1) await deleteModel({ id: m.id });
        else await unlinkModelFromBackend({ modelId: m.id, backendId: backend.id });
        removed.push(m.id);
      }
    }
    if (added.length > 0) log.info("registered embedded models", { models: added });
    if (removed.length > 0) log.info("removed embedded models whose file is gone", { models: removed });
  } catch (err) {
    log.warn("the embedded engine's models could not be registered", { error: err instanceof Error ? err.message : String(err) });
  }
  return { added, removed };
}
