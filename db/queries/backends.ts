import { and, arrayOverlaps, asc, eq, inArray, ne, or } from "drizzle-orm";
import { getDb } from "../client";
import { backends, modelBackends, models } from "../schema";

export async function insertBackend(values: typeof backends.$inferInsert) {
  const db = await getDb();
  const [row] = await db.insert(backends).values(values).returning();
  return row!;
}

export async function listBackends() {
  const db = await getDb();
  return db.select().from(backends).orderBy(asc(backends.name));
}

export async function findBackendByName({ name }: { name: string }) {
  const db = await getDb();
  const [row] = await db.select().from(backends).where(eq(backends.name, name));
  return row;
}

export async function findBackendById({ id }: { id: string }) {
  const db = await getDb();
  const [row] = await db.select().from(backends).where(eq(backends.id, id));
  return row;
}

export async function deleteBackend({ id }: { id: string }) {
  const db = await getDb();
  const [row] = await db.delete(backends).where(eq(backends.id, id)).returning({ id: backends.id });
  return row;
}

export async function updateBackend({ id, values }: { id: string; values: Partial<Omit<typeof backends.$inferInsert, "id">> }) {
  const db = await getDb();
  const [row] = await db.update(backends).set(values).where(eq(backends.id, id)).returning();
  return row!;
}

/** Replace a backend's stored API key, only if it is still `previous` (another instance may have sealed it first). */
export async function replaceBackendApiKey({ id, previous, apiKey }: { id: string; previous: string; apiKey: string }) {
  const db = await getDb();
  await db.update(backends).set({ apiKey }).where(and(eq(backends.id, id), eq(backends.apiKey, previous)));
}

export async function upsertModel(values: typeof models.$inferInsert) {
  const db = await getDb();
  const { id, ...rest } = values;
  const [row] = await db
    .insert(models)
    .values(values)
    .onConflictDoUpdate({ target: models.id, set: rest })
    .returning();
  return row!;
}

export async function linkModelToBackend(values: typeof modelBackends.$inferInsert) {
  const db = await getDb();
  await db
    .insert(modelBackends)
    .values(values)
    .onConflictDoUpdate({ target: [modelBackends.modelId, modelBackends.backendId], set: { upstreamId: values.upstreamId } });
}

export async function findModelById({ id }: { id: string }) {
  const db = await getDb();
  const [row] = await db.select().from(models).where(eq(models.id, id));
  return row;
}

export async function updateModel({ id, values }: { id: string; values: Partial<Omit<typeof models.$inferInsert, "id">> }) {
  const db = await getDb();
  const [row] = await db.update(models).set(values).where(eq(models.id, id)).returning();
  return row!;
}

/** Models whose id or one of whose aliases is any of `names`, other than `except`. */
export async function findModelsNamed({ names, except }: { names: string[]; except?: string }) {
  if (names.length === 0) return [];
  const db = await getDb();
  const named = or(inArray(models.id, names), arrayOverlaps(models.aliases, names));
  return db
    .select({ id: models.id, aliases: models.aliases })
    .from(models)
    .where(except ? and(named, ne(models.id, except)) : named);
}

export async function deleteModel({ id }: { id: string }) {
  const db = await getDb();
  const [row] = await db.delete(models).where(eq(models.id, id)).returning({ id: models.id });
  return row;
}

/** Every model with the backends that serve it: the gateway's routing table. */
export async function listModelsWithBackends() {
  const db = await getDb();
  const rows = await db
    .select({ model: models, link: modelBackends, backend: backends })
    .from(models)
    .leftJoin(modelBackends, eq(modelBackends.modelId, models.id))
    .leftJoin(backends, eq(backends.id, modelBackends.backendId))
    .orderBy(asc(models.id), asc(backends.name));
  const byId = new Map<string, { model: typeof models.$inferSelect; backends: { backend: typeof backends.$inferSelect; upstreamId: string }[] }>();
  for (const r of rows) {
    let entry = byId.get(r.model.id);
    if (!entry) byId.set(r.model.id, (entry = { model: r.model, backends: [] }));
    if (r.backend && r.link) entry.backends.push({ backend: r.backend, upstreamId: r.link.upstreamId });
  }
  return [...byId.values()];
}

export async function unlinkModelFromBackend({ modelId, backendId }: { modelId: string; backendId: string }) {
  const db = await getDb();
  await db.delete(modelBackends).where(and(eq(modelBackends.modelId, modelId), eq(modelBackends.backendId, backendId)));
}
