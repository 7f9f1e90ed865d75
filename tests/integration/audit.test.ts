import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { getDb } from "@/db/client";
import { asActor } from "@/lib/audit/audit";
import { listAuditAs } from "@/lib/audit/list";
import { main } from "@/lib/cli/main";
import type { Caller } from "@/lib/console/authz";
import { createKeyAs, rotateKeyAs } from "@/lib/console/keys";
import { describeEachDriver } from "@/tests/support/databases";
import { createTenant } from "@/tests/support/gateway";
import { createUser } from "@/lib/users";

describeEachDriver("audit log", () => {
  it("records who did what from the console and the CLI, never a secret, and keeps every row", async () => {
    const t = await createTenant();
    const other = await createTenant();
    const admin: Caller = { userId: t.user.id, accountId: t.account.id, role: "admin", superadmin: false };
    const { key, secret } = await asActor({ userId: admin.userId, label: "ada@example.test" }, () => createKeyAs(admin, { name: "audited" }));
    const rotated = await asActor({ userId: admin.userId, label: "ada@example.test" }, () => rotateKeyAs(admin, key.id, "1h"));
    const quiet = { out: () => {}, err: () => {} };
    expect(await main(["node", "llmaas", "account", "budget", "--account", t.account.name, "--monthly", "50"], quiet, { manageDatabase: false })).toBe(0);

    const f = await createUser({ email: `fa-${t.account.id}@x.test`, password: "password-123", accountId: t.account.id, role: "finance" });
    const { entries } = await listAuditAs(admin, {});
    expect(entries.find((e) => e.action === "user.create")!.after).not.toHaveProperty("password");
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["key.create", "key.rotate", "account.budget"]));
    const rotation = entries.find((e) => e.action === "key.rotate")!;
    expect(rotation.actor).toBe("ada@example.test");
    expect(rotation.objectId).toBe(key.id);
    expect(entries.find((e) => e.action === "account.budget")!.actor).toMatch(/^cli:/);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(rotated.secret);
    expect(text).not.toMatch(/"hash"|password/i);

    // Finance reads its account's; a member nothing; another account's admin none of these.
    expect((await listAuditAs({ userId: f.id, accountId: t.account.id, role: "finance", superadmin: false }, {})).entries.length).toBe(entries.length);
    await expect(listAuditAs({ ...admin, role: "member" }, {})).rejects.toMatchObject({ status: 403 });
    const theirs = await listAuditAs({ userId: other.user.id, accountId: other.account.id, role: "admin", superadmin: false }, {});
    expect(theirs.entries.some((e) => e.objectId === key.id)).toBe(false);
    expect((await listAuditAs(admin, { action: "key" })).entries.every((e) => e.action.startsWith("key."))).toBe(true);

    // Append-only, whatever asks.
    const db = await getDb();
    await expect(db.execute(sql`update audit_log set actor = 'someone else'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_log`)).rejects.toThrow();
    expect((await listAuditAs(admin, {})).entries.length).toBe(entries.length);
  });
});
