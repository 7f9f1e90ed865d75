import { findConsoleKeyForUser } from "@/db/queries/keys";
import type { AuthenticatedKey } from "./cache";
import { createKey } from "./manage";

/** Re-read after this long, so a key an admin limits or revokes changes the console within seconds too. */
const TTL_MS = 5_000;

interface Entry {
  key: Promise<AuthenticatedKey>;
  loadedAt: number;
}

const holder = globalThis as unknown as { __llmaasConsoleKeys?: Map<string, Entry> };
const cache = (holder.__llmaasConsoleKeys ??= new Map());

async function load(userId: string): Promise<AuthenticatedKey> {
  const row = (await findConsoleKeyForUser({ userId })) ?? (await createKey({ userId, name: "Console", kind: "console" })).key;
  const { hash: _h, lastUsedAt: _l, ...key } = row as typeof row & { hash?: string; lastUsedAt?: Date | null };
  return key;
}

/**
 * The key the console calls the gateway with for this user: one of kind
 * "console", made on first use. Its secret is never needed (the console
 * hands the key to the pipeline directly), so it is dropped at creation.
 * Concurrent first calls share one creation.
 */
export function consoleKeyFor(userId: string, now = Date.now()): Promise<AuthenticatedKey> {
  const entry = cache.get(userId);
  if (entry && now - entry.loadedAt < TTL_MS) return entry.key;
  const key = load(userId);
  cache.set(userId, { key, loadedAt: now });
  key.catch(() => cache.delete(userId));
  return key;
}
