import { z } from "zod";
import { parseInput } from "../validate";
import {
  deleteBackend,
  deleteModel,
  findBackendByName,
  insertBackend,
  linkModelToBackend,
  listBackends,
  listModelsWithBackends,
  replaceBackendApiKey,
  upsertModel,
} from "@/db/queries/backends";
import { log } from "../log";
import { needsReseal, open, seal } from "../secret-box";
import { badRequest, conflict, isUniqueViolation, notFound } from "../errors";

export const ENGINES = ["openai", "ollama", "embedded"] as const;
export const CAPABILITIES = [
  "chat",
  "vision",
  "tools",
  "embeddings",
  "rerank",
  "transcription",
  "speech",
  "images",
] as const;
export type Capability = (typeof CAPABILITIES)[number];


const backendSchema = z.object({
  name: z.string().trim().min(1).max(100),
  engine: z.enum(ENGINES),
  url: z.string().url(),
  machine: z.string().trim().min(1).max(100),
  apiKey: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
  enabled: z.boolean().default(true),
});

export async function addBackend(input: z.input<typeof backendSchema>) {
  const b = parseInput(backendSchema, input);
  try {
    return await insertBackend({
      name: b.name,
      engine: b.engine,
      baseUrl: b.url.replace(/\/+$/, ""),
      machineName: b.machine,
      apiKey: b.apiKey ? seal(b.apiKey) : null,
      enabled: b.enabled,
      ...(b.timeoutMs ? { timeoutMs: b.timeoutMs } : {}),
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`Backend '${b.name}' already exists`, "name");
    throw err;
  }
}

export async function removeBackend({ name }: { name: string }) {
  const row = await deleteBackend({ name });
  if (!row) throw notFound(`Backend '${name}' does not exist`, "name");
}

/**
 * A backend's API key as stored (sealed, or plain from before encryption) made
 * readable; null, and logged, when no configured key opens it.
 */
export function readBackendKey(stored: string | null, backendName: string): string | null {
  if (!stored) return null;
  try {
    return open(stored);
  } catch (err) {
    log.error("a backend's API key cannot be decrypted: set the key that sealed it in LLMAAS_SECRET_KEY_OLD", { backend: backendName, error: (err as Error).message });
    return null;
  }
}

/** Seal stored backend keys that are plain or sealed with an old key under the current key; returns how many. */
export async function resealBackendKeys(): Promise<number> {
  let count = 0;
  for (const b of await listBackends()) {
    if (!b.apiKey || !needsReseal(b.apiKey)) continue;
    const plain = readBackendKey(b.apiKey, b.name);
    if (plain === null) continue;
    await replaceBackendApiKey({ id: b.id, previous: b.apiKey, apiKey: seal(plain) });
    count++;
  }
  return count;
}

/** Backends without their upstream keys: what lists and pages show. */
export async function listBackendsPublic() {
  return (await listBackends()).map(({ apiKey, ...b }) => ({ ...b, hasApiKey: Boolean(apiKey) }));
}

const modelSchema = z.object({
  id: z.string().trim().min(1).max(200),
  backend: z.string().trim().min(1),
  upstreamId: z.string().trim().min(1).optional(),
  aliases: z.array(z.string().trim().min(1)).default([]),
  capabilities: z.array(z.enum(CAPABILITIES)).min(1).default(["chat"]),
  maxModelLen: z.number().int().positive().default(8192),
  description: z.string().default(""),
  ownedBy: z.string().default("llmaas"),
});

/** Add a model served by a backend, or add another backend to an existing model. */
export async function addModel(input: z.input<typeof modelSchema>) {
  const m = parseInput(modelSchema, input);
  const backend = await findBackendByName({ name: m.backend });
  if (!backend) throw notFound(`Backend '${m.backend}' does not exist`, "backend");
  const model = await upsertModel({
    id: m.id,
    aliases: m.aliases,
    capabilities: m.capabilities,
    maxModelLen: m.maxModelLen,
    description: m.description,
    ownedBy: m.ownedBy,
  });
  await linkModelToBackend({ modelId: m.id, backendId: backend.id, upstreamId: m.upstreamId ?? m.id });
  return model;
}

export async function removeModel({ id }: { id: string }) {
  const row = await deleteModel({ id });
  if (!row) throw notFound(`Model '${id}' does not exist`, "id");
}

export async function listModels() {
  return (await listModelsWithBackends()).map(({ model, backends }) => ({
    ...model,
    backends: backends.map(({ backend, upstreamId }) => ({
      name: backend.name,
      engine: backend.engine,
      machineName: backend.machineName,
      enabled: backend.enabled,
      upstreamId,
    })),
  }));
}
