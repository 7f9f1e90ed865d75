import { addModel, addModelBackend, editModel, listModels, removeModelBackend } from "@/lib/models/manage";
import type { ModelBackendForm, ModelForm, NewModelForm } from "@/lib/models/model-schema";
import { newModelSchema, modelBackendSchema } from "@/lib/models/model-schema";
import { parseInput } from "@/lib/validate";
import { listBackendsPublic } from "@/lib/backends/registry";
import { requirePlatformAdmin } from "./admin";
import type { Caller } from "./authz";

const WHAT = "manage models";

/** A model as its admin panel shows it, hidden or not, with its backends and every backend it could be put on. */
export async function modelAdminAs(caller: Caller, id: string) {
  requirePlatformAdmin(caller, WHAT);
  const [models, backends] = await Promise.all([listModels(), listBackendsPublic()]);
  const model = models.find((m) => m.id === id || m.aliases.includes(id));
  if (!model) return null;
  return {
    model: { ...model, createdAt: model.createdAt.toISOString() },
    backends: backends.map((b) => ({ id: b.id, name: b.name, engine: b.engine, enabled: b.enabled })),
  };
}

/** Models hidden from the catalogue, for the admin's view of it. */
export async function hiddenModelsAs(caller: Caller) {
  requirePlatformAdmin(caller, WHAT);
  return (await listModels()).filter((m) => !m.enabled).map((m) => ({ id: m.id, description: m.description, capabilities: m.capabilities }));
}

/** Backends a model can be put on, for the add-a-model form. */
export async function backendChoicesAs(caller: Caller) {
  requirePlatformAdmin(caller, WHAT);
  return (await listBackendsPublic()).map((b) => ({ id: b.id, name: b.name, engine: b.engine, enabled: b.enabled }));
}

export async function addModelAs(caller: Caller, form: NewModelForm) {
  requirePlatformAdmin(caller, WHAT);
  const m = parseInput(newModelSchema, form);
  const model = await addModel({ ...form, id: m.id, backendId: m.backendId, upstreamId: m.upstreamId });
  return { id: model.id };
}

export async function editModelAs(caller: Caller, id: string, form: ModelForm) {
  requirePlatformAdmin(caller, WHAT);
  const model = await editModel(id, form);
  return { id: model.id, visible: model.enabled };
}

export async function addModelBackendAs(caller: Caller, id: string, form: ModelBackendForm) {
  requirePlatformAdmin(caller, WHAT);
  const link = parseInput(modelBackendSchema, form);
  await addModelBackend(id, { id: link.backendId }, link.upstreamId);
  return null;
}

export async function removeModelBackendAs(caller: Caller, id: string, backendId: string) {
  requirePlatformAdmin(caller, WHAT);
  await removeModelBackend(id, { id: backendId });
  return null;
}
