import { z } from "zod";
import {
  deleteModel,
  findModelById,
  findModelsNamed,
  linkModelToBackend,
  listModelsWithBackends,
  unlinkModelFromBackend,
  updateModel,
  upsertModel,
} from "@/db/queries/backends";
import type { Model } from "@/db/schema";
import { audit } from "../audit/audit";
import { requireBackend } from "../backends/registry";
import { configChanged } from "../config-changes";
import { conflict, notFound } from "../errors";
import { parseInput } from "../validate";
import { type ModelForm, modelSchema } from "./model-schema";

/** A model as the audit log keeps it: its settings, "visible" rather than the column's name. */
const auditView = ({ enabled, createdAt: _c, ...m }: Model) => ({ ...m, visible: enabled });

export async function requireModel(id: string): Promise<Model> {
  const model = await findModelById({ id });
  if (!model) throw notFound(`Model '${id}' does not exist`, "id");
  return model;
}

/** Aliases are names clients call the model by: none may be another model's id or alias. */
async function checkAliases(id: string, aliases: string[] | undefined) {
  if (!aliases?.length) return;
  if (aliases.includes(id)) throw conflict(`'${id}' is the model's own id, not an alias`, "aliases");
  const taken = await findModelsNamed({ names: aliases, except: id });
  if (taken.length) {
    const name = aliases.find((a) => taken.some((t) => t.id === a || t.aliases.includes(a)))!;
    throw conflict(`'${name}' already names model '${taken[0]!.id}'`, "aliases");
  }
}

const columns = (m: z.output<typeof modelSchema>) => ({
  ...(m.description !== undefined && { description: m.description }),
  ...(m.capabilities !== undefined && { capabilities: m.capabilities }),
  ...(m.aliases !== undefined && { aliases: m.aliases }),
  ...(m.maxModelLen !== undefined && { maxModelLen: m.maxModelLen }),
  ...(m.ownedBy !== undefined && { ownedBy: m.ownedBy }),
  ...(m.visible !== undefined && { enabled: m.visible }),
});

const addSchema = modelSchema.extend({
  id: z.string().trim().min(1).max(200),
  /** The backend's name (CLI) or id (console). */
  backend: z.string().trim().min(1).optional(),
  backendId: z.string().optional(),
  upstreamId: z.string().trim().max(200).optional(),
});

/**
 * Put a model on a backend: a new model with its settings (chat and 8192
 * tokens of context unless given), or another backend for a model that
 * exists, whose settings change only where given.
 */
export async function addModel(input: z.input<typeof addSchema>) {
  const m = parseInput(addSchema, input);
  const backend = await requireBackend({ id: m.backendId, name: m.backend });
  const existing = await findModelById({ id: m.id });
  await checkAliases(m.id, m.aliases);
  const values = columns(m);
  let model: Model;
  if (existing) {
    model = Object.keys(values).length ? await updateModel({ id: m.id, values }) : existing;
    if (model !== existing) await audit({ accountId: null, action: "model.update", objectType: "model", objectId: m.id, before: auditView(existing), after: auditView(model) });
  } else {
    model = await upsertModel({ id: m.id, capabilities: ["chat"], maxModelLen: 8192, ...values });
    await audit({ accountId: null, action: "model.create", objectType: "model", objectId: m.id, after: auditView(model) });
  }
  await linkBackend(model.id, backend, m.upstreamId || m.id);
  await configChanged();
  return model;
}

async function linkBackend(modelId: string, backend: { id: string; name: string }, upstreamId: string) {
  await linkModelToBackend({ modelId, backendId: backend.id, upstreamId });
  await audit({ accountId: null, action: "model.backend_add", objectType: "model", objectId: modelId, after: { backend: backend.name, backendId: backend.id, upstreamId } });
}

/** Change a model's capabilities, aliases, context length, description or visibility; every instance follows within a second. */
export async function editModel(id: string, patch: ModelForm) {
  const before = await requireModel(id);
  const m = parseInput(modelSchema, patch);
  await checkAliases(id, m.aliases);
  const values = columns(m);
  if (Object.keys(values).length === 0) return before;
  const after = await updateModel({ id, values });
  await audit({ accountId: null, action: "model.update", objectType: "model", objectId: id, before: auditView(before), after: auditView(after) });
  await configChanged();
  return after;
}

/** Serve a model from one more backend (or change the name a backend knows it by). */
export async function addModelBackend(id: string, ref: { id?: string; name?: string }, upstreamId?: string) {
  const model = await requireModel(id);
  const backend = await requireBackend(ref);
  await linkBackend(model.id, backend, upstreamId?.trim() || model.id);
  await configChanged();
}

/** Stop serving a model from a backend; with none left, its requests are answered 503 until one is added. */
export async function removeModelBackend(id: string, ref: { id?: string; name?: string }) {
  const model = await requireModel(id);
  const backend = await requireBackend(ref);
  const links = (await listModelsWithBackends()).find((r) => r.model.id === model.id)?.backends ?? [];
  const link = links.find((l) => l.backend.id === backend.id);
  if (!link) throw notFound(`Backend '${backend.name}' does not serve '${model.id}'`, "backend");
  await unlinkModelFromBackend({ modelId: model.id, backendId: backend.id });
  await audit({ accountId: null, action: "model.backend_remove", objectType: "model", objectId: model.id, before: { backend: backend.name, backendId: backend.id, upstreamId: link.upstreamId } });
  await configChanged();
}

export async function removeModel({ id }: { id: string }) {
  const before = await requireModel(id);
  await deleteModel({ id });
  await audit({ accountId: null, action: "model.remove", objectType: "model", objectId: id, before: auditView(before) });
  await configChanged();
}

/** Every model, hidden ones too, with the backends that serve it: what the CLI and the admin's pages list. */
export async function listModels() {
  return (await listModelsWithBackends()).map(({ model, backends }) => ({
    ...model,
    backends: backends.map(({ backend, upstreamId }) => ({
      id: backend.id,
      name: backend.name,
      engine: backend.engine,
      machineName: backend.machineName,
      enabled: backend.enabled,
      upstreamId,
    })),
  }));
}
