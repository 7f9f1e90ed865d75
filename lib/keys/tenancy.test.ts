import { expect, it } from "vitest";
import { createAccount, createUser } from "@/lib/accounts";
import { describeEachDriver } from "@/tests/support/databases";
import { createKey, listKeys, revokeKey } from "./manage";

describeEachDriver("key tenancy", () => {
  it("keeps one account's keys invisible and untouchable to another", async () => {
    await createAccount({ name: "A" });
    await createAccount({ name: "B" });
    const a = await createUser({ email: "a@a.test", password: "password-a", account: "A" });
    const b = await createUser({ email: "b@b.test", password: "password-b", account: "B" });
    const ka = await createKey({ email: "a@a.test", name: "a-key" });
    await createKey({ email: "b@b.test", name: "b-key" });

    const seenByA = await listKeys({ accountId: a.accountId });
    expect(seenByA.map((k) => k.name)).toEqual(["a-key"]);
    const seenByB = await listKeys({ accountId: b.accountId });
    expect(seenByB.map((k) => k.name)).toEqual(["b-key"]);

    await expect(revokeKey({ id: ka.key.id, accountId: b.accountId })).rejects.toThrow(/No active key/);
    expect((await listKeys({ accountId: a.accountId }))[0]!.revokedAt).toBeNull();
    await revokeKey({ id: ka.key.id, accountId: a.accountId });
    expect((await listKeys({ accountId: a.accountId }))[0]!.revokedAt).not.toBeNull();
  });
});
