import { randomBytes } from "node:crypto";
import { beforeEach, expect, it, vi } from "vitest";
import { hashSecret } from "./secret";

const GOOD = "llm-good-secret";
const lookups: string[] = [];

vi.mock("@/db/queries/keys", () => ({
  findApiKeyBySecretHash: async ({ hash }: { hash: string }) => {
    lookups.push(hash);
    return hash === hashSecret(GOOD)
      ? { id: "k1", accountId: "a1", userId: "u1", hash, revokedAt: null, expiresAt: null, lastUsedAt: null, allowedModels: null }
      : undefined;
  },
  listKeyChangesSince: async () => changes,
}));
vi.mock("@/db/queries/accounts", () => ({
  findAccountSuspension: async () => {
    accountLookups++;
    return { suspendedAt: null };
  },
}));
let changes: { id: string; kind: "key" | "account"; at: Date }[] = [];
let accountLookups = 0;

const { accountSuspended, authenticateSecret, clearKeyCache, keyCacheSize, watchKeyChanges } = await import("./cache");

beforeEach(() => {
  clearKeyCache();
  lookups.length = 0;
  changes = [];
  accountLookups = 0;
});

it("spraying unknown keys never evicts a known key", async () => {
  const now = Date.now();
  expect((await authenticateSecret(GOOD, now))?.id).toBe("k1");
  for (let i = 0; i < 25_000; i++) expect(await authenticateSecret(`llm-${randomBytes(12).toString("hex")}`, now)).toBeNull();
  const before = lookups.length;
  expect((await authenticateSecret(GOOD, now + 1))?.id).toBe("k1");
  expect(lookups.length).toBe(before); // served from the cache
  expect(keyCacheSize()).toEqual({ keys: 1, misses: 10_000 });
});

it("remembers a miss briefly, then asks again", async () => {
  const now = Date.now();
  await authenticateSecret("llm-unknown", now);
  await authenticateSecret("llm-unknown", now + 500);
  expect(lookups).toHaveLength(1);
  await authenticateSecret("llm-unknown", now + 1_500);
  expect(lookups).toHaveLength(2);
});

it("requests that miss together share one read of the key", async () => {
  const now = Date.now();
  const keys = await Promise.all(Array.from({ length: 16 }, () => authenticateSecret(GOOD, now)));
  expect(keys.every((k) => k?.id === "k1")).toBe(true);
  expect(lookups).toHaveLength(1);
});

it("reads a key in use again in the background before its entry expires; requests do not wait for it", async () => {
  const now = Date.now();
  await authenticateSecret(GOOD, now);
  expect(lookups).toHaveLength(1);
  // First half of the entry's life: the cache alone.
  await authenticateSecret(GOOD, now + 2_000);
  expect(lookups).toHaveLength(1);
  // Second half: answered from the cache at once, and one read goes out for all of them.
  const answered = await Promise.all([authenticateSecret(GOOD, now + 3_000), authenticateSecret(GOOD, now + 3_000)]);
  expect(answered.map((k) => k?.id)).toEqual(["k1", "k1"]);
  await new Promise((r) => setTimeout(r, 10));
  expect(lookups).toHaveLength(2);
  // Renewed: the entry lives on from the background read.
  await authenticateSecret(GOOD, now + 4_000);
  expect(lookups).toHaveLength(2);
});

it("an account's state is read once for requests that miss together, and again in the background while in use", async () => {
  const now = Date.now();
  await Promise.all(Array.from({ length: 8 }, () => accountSuspended("acct-x", now)));
  expect(accountLookups).toBe(1);
  await accountSuspended("acct-x", now + 3_000);
  await new Promise((r) => setTimeout(r, 10));
  expect(accountLookups).toBe(2);
  await accountSuspended("acct-x", now + 4_000);
  expect(accountLookups).toBe(2);
});

it("the change watcher drops a changed key once per change, not at every poll that still sees it", async () => {
  const now = Date.now();
  await authenticateSecret(GOOD, now);
  changes = [{ id: "k1", kind: "key", at: new Date() }];
  const stop = watchKeyChanges(20);
  try {
    await new Promise((r) => setTimeout(r, 60));
    await authenticateSecret(GOOD, now);
    expect(lookups).toHaveLength(2); // dropped, read again
    await new Promise((r) => setTimeout(r, 100));
    await authenticateSecret(GOOD, now);
    expect(lookups).toHaveLength(2); // the same change, seen again: the entry stays
    changes = [...changes, { id: "k1", kind: "key", at: new Date(Date.now() + 1) }];
    await new Promise((r) => setTimeout(r, 60));
    await authenticateSecret(GOOD, now);
    expect(lookups).toHaveLength(3); // a new change drops it again
  } finally {
    stop();
  }
});
