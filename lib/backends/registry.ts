import {
  deleteBackend,
  findBackendById,
  findBackendByName,
  insertBackend,
  listBackends,
  replaceBackendApiKey,
  updateBackend,
} from "@/db/queries/backends";
import type { Backend } from "@/db/schema";
import { audit } from "../audit/audit";
import { configChanged } from "../config-changes";
import { conflict, isUniqueViolation, notFound } from "../errors";
import { log } from "../log";
import { needsReseal, open, seal } from "../secret-box";
import { parseInput } from "../validate";
import { type BackendForm, backendSchema } from "./backend-schema";

export { ENGINES } from "./backend-schema";

/** A backend as lists, pages and the audit log show it: its key only as set or unset. */
export function publicBackend({ apiKey, ...b }: Backend) {
  return { ...b, upstreamKey: apiKey ? ("set" as const) : ("unset" as const) };
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, "");

export async function addBackend(input: BackendForm & { enabled?: boolean }) {
  const b = parseInput(backendSchema, input);
  try {
    const row = await insertBackend({
      name: b.name,
      engine: b.engine,
      baseUrl: withoutTrailingSlash(b.url),
      machineName: b.machine,
      apiKey: b.apiKey ? seal(b.apiKey) : null,
      enabled: input.enabled ?? true,
      ...(b.timeoutMs ? { timeoutMs: b.timeoutMs } : {}),
    });
    await audit({ accountId: null, action: "backend.create", objectType: "backend", objectId: row.id, after: publicBackend(row) });
    await configChanged();
    return row;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`Backend '${b.name}' already exists`, "name");
    throw err;
  }
}

/** The backend a console form or a CLI command names: by id, or by name. */
export async function requireBackend(ref: { id?: string; name?: string }): Promise<Backend> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const row = ref.id ? (uuid.test(ref.id) ? await findBackendById({ id: ref.id }) : undefined) : ref.name ? await findBackendByName({ name: ref.name }) : undefined;
  if (!row) throw notFound(`Backend '${ref.name ?? ref.id ?? ""}' does not exist`, ref.id ? "id" : "name");
  return row;
}

/**
 * Change a backend's name, engine, URL, machine, timeout or key. Fields left
 * out keep their value; the key is replaced only when a new one is given.
 * Every instance routes with the change within a second.
 */
export async function editBackend(ref: { id?: string; name?: string }, patch: Partial<BackendForm>) {
  const before = await requireBackend(ref);
  const b = parseInput(backendSchema, {
    name: patch.name ?? before.name,
    engine: patch.engine ?? before.engine,
    url: patch.url ?? before.baseUrl,
    machine: patch.machine ?? before.machineName,
    apiKey: patch.apiKey,
    clearApiKey: patch.clearApiKey,
    timeoutMs: patch.timeoutMs ?? before.timeoutMs,
  });
  const apiKey = b.apiKey ? seal(b.apiKey) : b.clearApiKey ? null : before.apiKey;
  try {
    const after = await updateBackend({
      id: before.id,
      values: { name: b.name, engine: b.engine, baseUrl: withoutTrailingSlash(b.url), machineName: b.machine, apiKey, timeoutMs: b.timeoutMs ?? before.timeoutMs },
    });
    const keyChange = b.apiKey ? { upstreamKey: "replaced" } : {};
    await audit({ accountId: null, action: "backend.update", objectType: "backend", objectId: before.id, before: publicBackend(before), after: { ...publicBackend(after), ...keyChange } });
    await configChanged();
    return after;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`Backend '${b.name}' already exists`, "name");
    throw err;
  }
}

/** Take a backend out of routing (its models go to their other backends), or put it back. */
export async function setBackendEnabled(ref: { id?: string; name?: string }, enabled: boolean) {
  const before = await requireBackend(ref);
  const after = await updateBackend({ id: before.id, values: { enabled } });
  await audit({ accountId: null, action: enabled ? "backend.enable" : "backend.disable", objectType: "backend", objectId: before.id, before: { name: before.name, enabled: before.enabled }, after: { name: after.name, enabled: after.enabled } });
  await configChanged();
  return after;
}

export async function removeBackend({ name }: { name: string }) {
  const before = await requireBackend({ name });
  await deleteBackend({ id: before.id });
  await audit({ accountId: null, action: "backend.remove", objectType: "backend", objectId: before.id, before: publicBackend(before) });
  await configChanged();
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
  return (await listBackends()).map(publicBackend);
}
