import { expect, it } from "vitest";
import { SecretBoxError, isSealed, keyring, needsReseal, open, seal } from "./secret-box";

const OLD = "old-secret-key-0123456789abcdef0123456789";
const NEW = "new-secret-key-0123456789abcdef0123456789";

it("seals and opens, never showing the value", () => {
  const keys = keyring(NEW);
  const sealed = seal("sk-upstream-abc", keys);
  expect(isSealed(sealed)).toBe(true);
  expect(sealed).not.toContain("sk-upstream-abc");
  expect(seal("sk-upstream-abc", keys)).not.toBe(sealed); // a fresh IV every time
  expect(open(sealed, keys)).toBe("sk-upstream-abc");
});

it("reads plain values from before encryption as they are", () => {
  expect(open("plain-key", keyring(NEW))).toBe("plain-key");
  expect(needsReseal("plain-key", keyring(NEW))).toBe(true);
});

it("rotates: an old key still opens, and its values want resealing", () => {
  const sealedOld = seal("sk-1", keyring(OLD));
  const rotated = keyring(NEW, [OLD]);
  expect(open(sealedOld, rotated)).toBe("sk-1");
  expect(needsReseal(sealedOld, rotated)).toBe(true);
  expect(needsReseal(seal("sk-1", rotated), rotated)).toBe(false);
  expect(() => open(sealedOld, keyring(NEW))).toThrow(SecretBoxError);
});

it("refuses a value that was altered", () => {
  const keys = keyring(NEW);
  const sealed = seal("sk-1", keys);
  const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA");
  expect(() => open(tampered, keys)).toThrow(SecretBoxError);
});
