import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { getDb } from "@/db/client";
import { bumpSessionVersion, findUserById } from "@/db/queries/users";
import { users } from "@/db/schema";
import { createAccount } from "@/lib/accounts";
import { createUser, setPassword, setUserEnabled } from "@/lib/users";
import { describeEachDriver } from "@/tests/support/databases";

/*
 * Console sessions carry the user's session version and are refused once it
 * moves: whatever changes who the user is or what they may do moves it, in
 * the database itself, whichever code makes the change.
 */
describeEachDriver("session version", () => {
  it("moves on sign-out, new password, role, superadmin, account, email and disable; not on a rename", async () => {
    const account = await createAccount({ name: "Versions" });
    const other = await createAccount({ name: "Elsewhere" });
    const user = await createUser({ email: "v@versions.test", password: "password one", accountId: account.id });
    const version = async () => (await findUserById({ id: user.id }))!.sessionVersion;
    const db = await getDb();
    expect(await version()).toBe(0);

    await bumpSessionVersion({ userId: user.id });
    expect(await version()).toBe(1);
    await setPassword({ email: "v@versions.test", password: "password two" });
    expect(await version()).toBe(2);
    await db.update(users).set({ role: "admin" }).where(eq(users.id, user.id));
    expect(await version()).toBe(3);
    await db.update(users).set({ superadmin: true }).where(eq(users.id, user.id));
    expect(await version()).toBe(4);
    await db.update(users).set({ accountId: other.id }).where(eq(users.id, user.id));
    expect(await version()).toBe(5);
    await db.update(users).set({ email: "w@versions.test" }).where(eq(users.id, user.id));
    expect(await version()).toBe(6);
    await setUserEnabled({ email: "w@versions.test", enabled: false });
    expect(await version()).toBe(7);

    // A change that leaves the user's rights as they were leaves their sessions open.
    await db.update(users).set({ name: "Vera" }).where(eq(users.id, user.id));
    await db.update(users).set({ role: "admin" }).where(eq(users.id, user.id));
    expect(await version()).toBe(7);
  });
});
