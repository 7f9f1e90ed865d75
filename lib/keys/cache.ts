import { findApiKeyBySecretHash, listKeysChangedSince } from "@/db/queries/keys";
import type { ApiKey } from "@/db/schema";
import { hashSecret } from "./secret";
import { every } from "../every";

export type AuthenticatedKey = Omit<ApiKey, "hash" | "lastUsedAt" | "previousHash">;

interface Entry {
  key: AuthenticatedKey | null;
  loadedAt: number;
  /** Set when the secret is the one a rotation replaced: it works until then. */
  graceUntil?: number;
}

/** Entries are re-read after this long, so edits to a key (models, limits) reach every instance. */
const TTL_MS = 5_000;
/** An unknown secret is remembered briefly, so guessing keys cannot hammer the database. */
const NEGATIVE_TTL_MS = 1_000;

const holder = globalThis as unknown as { __llmaasKeyCache?: Map<string, Entry>; __llmaasKeyHashes?: Map<string, Set<string>> };
const cache = (holder.__llmaasKeyCache ??= new Map());
/** Cached secret hashes of each key id, so a change to a key drops every secret of it (current and previous). */
const hashesOfKey = (holder.__llmaasKeyHashes ??= new Map());

function remember(hash: string, entry: Entry) {
  if (cache.size > 100_000) {
    cache.clear();
    hashesOfKey.clear();
  }
  cache.set(hash, entry);
  if (entry.key) {
    let set = hashesOfKey.get(entry.key.id);
    if (!set) hashesOfKey.set(entry.key.id, (set = new Set()));
    set.add(hash);
  }
}

/** The key a secret belongs to, if it is usable now: known, not revoked, not expired, not past its rotation's grace. */
export async function authenticateSecret(secret: string, now = Date.now()): Promise<AuthenticatedKey | null> {
  const hash = hashSecret(secret);
  let entry = cache.get(hash);
  if (!entry || now - entry.loadedAt > (entry.key ? TTL_MS : NEGATIVE_TTL_MS)) {
    const row = await findApiKeyBySecretHash({ hash });
    entry = { key: null, loadedAt: now };
    if (row) {
      const { hash: current, lastUsedAt: _l, previousHash: _p, ...key } = row;
      entry.key = key;
      if (current !== hash) entry.graceUntil = row.previousExpiresAt?.getTime() ?? 0;
    }
    remember(hash, entry);
  }
  const key = entry.key;
  if (!key || key.revokedAt) return null;
  if (entry.graceUntil !== undefined && entry.graceUntil <= now) return null;
  if (key.expiresAt && key.expiresAt.getTime() <= now) return null;
  return key;
}

/** Drop every cached secret of a key (after it was revoked, rotated or limited here). */
export function forgetKeyId(id: string): void {
  for (const hash of hashesOfKey.get(id) ?? []) cache.delete(hash);
  hashesOfKey.delete(id);
}

export function clearKeyCache(): void {
  cache.clear();
  hashesOfKey.clear();
}

/**
 * Drop keys changed on any instance (revoked, rotated, limited) from this
 * instance's cache. Polling the database every few hundred milliseconds
 * bounds how long a revoked key keeps working anywhere, on both Postgres and
 * the embedded database.
 */
export function watchKeyChanges(intervalMs = 400): () => void {
  // The database being briefly unreachable must not kill the watcher: every() keeps going.
  return every(intervalMs, async () => {
    const since = new Date(Date.now() - 10_000);
    for (const { id } of await listKeysChangedSince({ since })) forgetKeyId(id);
  });
}
