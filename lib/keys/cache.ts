import { findAccountSuspension } from "@/db/queries/accounts";
import { findApiKeyBySecretHash, listKeyChangesSince } from "@/db/queries/keys";
import type { ApiKey } from "@/db/schema";
import { hashSecret } from "./secret";
import { every } from "../every";
import { Lru } from "../lru";

export type AuthenticatedKey = Omit<ApiKey, "hash" | "lastUsedAt" | "previousHash">;

interface Entry {
  key: AuthenticatedKey;
  loadedAt: number;
  /** Set when the secret is the one a rotation replaced: it works until then. */
  graceUntil?: number;
}

/** Entries are re-read after this long, so edits to a key (models, limits) reach every instance. */
const TTL_MS = 5_000;
/** An unknown secret is remembered briefly, so guessing keys cannot hammer the database. */
const NEGATIVE_TTL_MS = 1_000;
/** Known keys; the least recently used go first when it is full. */
const KEYS_CAPACITY = 100_000;
/**
 * Unknown secrets, in a cache of their own: spraying random keys fills this
 * one and evicts only other misses, never a real key's entry.
 */
const MISSES_CAPACITY = 10_000;

/** Whether an account is suspended, as last read. */
interface AccountEntry {
  suspended: boolean;
  loadedAt: number;
}

interface Caches {
  keys: Lru<string, Entry>;
  misses: Lru<string, number>;
  /** Cached secret hashes of each key id, so a change to a key drops every secret of it (current and previous). */
  hashesOfKey: Map<string, Set<string>>;
  /** The state of the accounts keys belong to: a suspended account's keys are all refused, whoever holds them. */
  accounts: Lru<string, AccountEntry>;
}

const holder = globalThis as unknown as { __llmaasKeyCaches?: Caches };
const caches = (holder.__llmaasKeyCaches ??= {
  keys: new Lru(KEYS_CAPACITY),
  misses: new Lru(MISSES_CAPACITY),
  hashesOfKey: new Map(),
  accounts: new Lru(KEYS_CAPACITY),
});

function remember(hash: string, entry: Entry) {
  caches.misses.delete(hash);
  caches.keys.set(hash, entry);
  let set = caches.hashesOfKey.get(entry.key.id);
  if (!set) caches.hashesOfKey.set(entry.key.id, (set = new Set()));
  set.add(hash);
}

/** Reads of keys in flight, by secret hash: requests with the same secret arriving meanwhile wait for the same read. */
const keyReads = new Map<string, Promise<Entry | null>>();
/** Raised whenever cached keys or accounts are dropped: a read begun before is used, never cached. */
let generation = 0;

function readKey(hash: string, now: number): Promise<Entry | null> {
  const inFlight = keyReads.get(hash);
  if (inFlight) return inFlight;
  const started = generation;
  const read = (async () => {
    const row = await findApiKeyBySecretHash({ hash });
    if (!row) {
      if (started === generation) {
        caches.keys.delete(hash);
        caches.misses.set(hash, now);
      }
      return null;
    }
    const { hash: current, lastUsedAt: _l, previousHash: _p, accountSuspendedAt, ...key } = row;
    const entry: Entry = { key, loadedAt: now };
    if (current !== hash) entry.graceUntil = row.previousExpiresAt?.getTime() ?? 0;
    if (started === generation) {
      // Read in the same query: the account's state costs no second round trip.
      caches.accounts.set(key.accountId, { suspended: Boolean(accountSuspendedAt), loadedAt: now });
      remember(hash, entry);
    }
    return entry;
  })().finally(() => {
    if (keyReads.get(hash) === read) keyReads.delete(hash);
  });
  keyReads.set(hash, read);
  return read;
}

/**
 * The key a secret belongs to, if it is usable now: known, not revoked, not expired, not past its rotation's grace.
 * A key in use is read again in the background in the second half of its entry's life, so requests do not wait
 * for the database; one whose entry expired (or was dropped by a change) waits for one read shared by all.
 */
export async function authenticateSecret(secret: string, now = Date.now()): Promise<AuthenticatedKey | null> {
  const hash = hashSecret(secret);
  const missedAt = caches.misses.get(hash);
  if (missedAt !== undefined && now - missedAt <= NEGATIVE_TTL_MS) return null;
  let entry: Entry | null | undefined = caches.keys.get(hash);
  if (!entry || now - entry.loadedAt > TTL_MS) {
    entry = await readKey(hash, now);
    if (!entry) return null;
  } else if (now - entry.loadedAt > TTL_MS / 2) void readKey(hash, now).catch(() => {});
  const key = entry.key;
  if (key.revokedAt) return null;
  if (entry.graceUntil !== undefined && entry.graceUntil <= now) return null;
  if (key.expiresAt && key.expiresAt.getTime() <= now) return null;
  return key;
}

/** Reads of accounts' state in flight. */
const accountReads = new Map<string, Promise<boolean>>();

function readAccount(accountId: string, now: number): Promise<boolean> {
  const inFlight = accountReads.get(accountId);
  if (inFlight) return inFlight;
  const started = generation;
  const read = (async () => {
    const row = await findAccountSuspension({ accountId });
    const suspended = Boolean(row?.suspendedAt);
    if (started === generation) caches.accounts.set(accountId, { suspended, loadedAt: now });
    return suspended;
  })().finally(() => {
    if (accountReads.get(accountId) === read) accountReads.delete(accountId);
  });
  accountReads.set(accountId, read);
  return read;
}

/**
 * Whether the account is suspended: then every key of it is refused, the
 * console's and batches' too. Known for a few seconds at most (read again in
 * the background before then while the account is busy), and dropped on
 * every instance within a second of a change (watchKeyChanges).
 */
export async function accountSuspended(accountId: string, now = Date.now()): Promise<boolean> {
  const entry = caches.accounts.get(accountId);
  if (entry && now - entry.loadedAt <= TTL_MS) {
    if (now - entry.loadedAt > TTL_MS / 2) void readAccount(accountId, now).catch(() => {});
    return entry.suspended;
  }
  return readAccount(accountId, now);
}

/** Drop what is known of an account's state (after it was suspended or unsuspended here). */
export function forgetAccount(accountId: string): void {
  generation++;
  accountReads.delete(accountId);
  caches.accounts.delete(accountId);
}

/** Drop every cached secret of a key (after it was revoked, rotated or limited here). */
export function forgetKeyId(id: string): void {
  generation++;
  // A read begun before the change is not joined by requests from now on.
  keyReads.clear();
  for (const hash of caches.hashesOfKey.get(id) ?? []) caches.keys.delete(hash);
  caches.hashesOfKey.delete(id);
}

export function clearKeyCache(): void {
  generation++;
  keyReads.clear();
  accountReads.clear();
  caches.keys.clear();
  caches.misses.clear();
  caches.hashesOfKey.clear();
  caches.accounts.clear();
}

/** Entries held, for metrics. */
export const keyCacheSize = () => ({ keys: caches.keys.size, misses: caches.misses.size });

/**
 * Drop keys changed on any instance (revoked, rotated, limited) and accounts
 * suspended or unsuspended from this instance's cache. Polling the database
 * every few hundred milliseconds bounds how long a revoked key, or a key of a
 * suspended account, keeps working anywhere, on both Postgres and the
 * embedded database.
 */
export function watchKeyChanges(intervalMs = 400): () => void {
  // Each change (a row's id and time) is acted on once, though it is seen by every poll of its look-back.
  const seen = new Map<string, number>();
  // The database being briefly unreachable must not kill the watcher: every() keeps going.
  return every(intervalMs, async () => {
    const since = new Date(Date.now() - 10_000);
    for (const { id, kind, at } of await listKeyChangesSince({ since })) {
      const k = `${kind}:${id}`;
      const t = new Date(at).getTime();
      if (seen.get(k) === t) continue;
      seen.set(k, t);
      if (kind === "account") forgetAccount(id);
      else forgetKeyId(id);
    }
    for (const [k, t] of seen) if (t < since.getTime() - 60_000) seen.delete(k);
  });
}
