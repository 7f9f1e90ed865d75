import { findApiKeyByHash, listKeysRevokedSince } from "@/db/queries/keys";
import type { ApiKey } from "@/db/schema";
import { hashSecret } from "./secret";
import { every } from "../every";

export type AuthenticatedKey = Omit<ApiKey, "hash" | "lastUsedAt">;

interface Entry {
  key: AuthenticatedKey | null;
  loadedAt: number;
}

/** Entries are re-read after this long, so edits to a key (models, limits) reach every instance. */
const TTL_MS = 5_000;
/** An unknown secret is remembered briefly, so guessing keys cannot hammer the database. */
const NEGATIVE_TTL_MS = 1_000;

const holder = globalThis as unknown as { __llmaasKeyCache?: Map<string, Entry> };
const cache = (holder.__llmaasKeyCache ??= new Map());

/** The key a secret belongs to, if it is usable now: known, not revoked, not expired. */
export async function authenticateSecret(secret: string, now = Date.now()): Promise<AuthenticatedKey | null> {
  const hash = hashSecret(secret);
  let entry = cache.get(hash);
  if (!entry || now - entry.loadedAt > (entry.key ? TTL_MS : NEGATIVE_TTL_MS)) {
    const row = await findApiKeyByHash({ hash });
    let key: AuthenticatedKey | null = null;
    if (row) {
      const { hash: _h, lastUsedAt: _l, ...rest } = row;
      key = rest;
    }
    entry = { key, loadedAt: now };
    if (cache.size > 100_000) cache.clear();
    cache.set(hash, entry);
  }
  const key = entry.key;
  if (!key || key.revokedAt) return null;
  if (key.expiresAt && key.expiresAt.getTime() <= now) return null;
  return key;
}

export function forgetKey(hash: string): void {
  cache.delete(hash);
}

export function clearKeyCache(): void {
  cache.clear();
}

/**
 * Drop keys revoked on any instance from this instance's cache. Polling the
 * database every few hundred milliseconds bounds how long a revoked key keeps
 * working anywhere, on both Postgres and the embedded database.
 */
export function watchRevocations(intervalMs = 400): () => void {
  // The database being briefly unreachable must not kill the watcher: every() keeps going.
  return every(intervalMs, async () => {
    const since = new Date(Date.now() - 10_000);
    for (const { hash } of await listKeysRevokedSince({ since })) cache.delete(hash);
  });
}
