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
  listKeyChangesSince: async () => [],
}));

const { authenticateSecret, clearKeyCache, keyCacheSize } = await import("./cache");

beforeEach(() => {
  clearKeyCache();
  lookups.length = 0;
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
