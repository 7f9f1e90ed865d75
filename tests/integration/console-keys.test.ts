import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { createUser } from "@/lib/users";
import type { Caller } from "@/lib/console/authz";
import { createKeyAs, listKeysAs, revokeKeyAs, rotateKeyAs, updateKeyLimitsAs } from "@/lib/console/keys";
import { usageReport } from "@/lib/console/usage";
import { clearKeyCache } from "@/lib/keys/cache";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

const callerOf = (u: { id: string; accountId: string; role: Caller["role"] }): Caller => ({ userId: u.id, accountId: u.accountId, role: u.role, superadmin: false });

describeEachDriver("console keys: roles, tenancy and rotation", () => {
  let fake: FakeBackend;
  let servers: TestServer[];
  let a: Awaited<ReturnType<typeof createTenant>>;
  let b: Awaited<ReturnType<typeof createTenant>>;
  let admin: Caller, member: Caller, colleague: Caller, finance: Caller, otherAdmin: Caller;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "keys" });
    await registerBackend("keys", fake.url, [{ id: "m", upstream: "echo" }]);
    // Two instances on one database: what one does, the other must honour.
    servers = [await startGatewayServer(), await startGatewayServer()];
    a = await createTenant();
    b = await createTenant();
    admin = callerOf({ ...a.user, role: "admin" });
    otherAdmin = callerOf({ ...b.user, role: "admin" });
    const mk = async (email: string, role: Caller["role"]) =>
      callerOf({ ...(await createUser({ email, password: "password-123", accountId: a.account.id, role })), role });
    member = await mk(`member-${a.account.id}@example.test`, "member");
    colleague = await mk(`colleague-${a.account.id}@example.test`, "member");
    finance = await mk(`finance-${a.account.id}@example.test`, "finance");
  });

  afterAll(async () => {
    for (const s of servers) await s.close();
    await fake.close();
  });

  const call = (server: TestServer, secret: string) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }),
    });
  const statusOn = async (secret: string) => Promise.all(servers.map(async (s) => (await call(s, secret)).status));
  const eventually = async (fn: () => Promise<boolean>, ms = 3_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await fn()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };

  it("shows members their own keys, admins and finance the account's, another account nothing", async () => {
    const mine = await createKeyAs(member, { name: "member key" });
    await createKeyAs(colleague, { name: "colleague key" });
    expect((await listKeysAs(member)).keys.map((k) => k.name)).toEqual(["member key"]);
    // A member asking for someone else's keys still gets their own.
    expect((await listKeysAs(member, { owner: colleague.userId })).keys.map((k) => k.name)).toEqual(["member key"]);
    const seenByAdmin = (await listKeysAs(admin)).keys.map((k) => k.name);
    expect(seenByAdmin).toEqual(expect.arrayContaining(["member key", "colleague key", "test"]));
    expect((await listKeysAs(finance)).keys.length).toBe(seenByAdmin.length);
    expect((await listKeysAs(otherAdmin)).keys.map((k) => k.id)).not.toContain(mine.key.id);
  });

  it("pages through keys created within one millisecond without repeating or skipping any", async () => {
    const t = await createTenant();
    const owner: Caller = { userId: t.user.id, accountId: t.account.id, role: "admin", superadmin: false };
    for (let i = 0; i < 59; i++) await createKeyAs(owner, { name: `burst ${i}` });
    const db = await getDb();
    // Every key in the same millisecond, a microsecond apart.
    await db.execute(sql`update api_keys k set created_at = '2026-11-30 10:00:00.123'::timestamptz + (n.n * interval '1 microsecond')
      from (select id, row_number() over (order by id) as n from api_keys where account_id = ${t.account.id}::uuid) n
      where k.id = n.id`);
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const list = await listKeysAs(owner, after ? { after } : {});
      seen.push(...list.keys.map((k) => k.id));
      if (!list.next) break;
      after = list.next;
    }
    expect(seen.length).toBe(60);
    expect(new Set(seen).size).toBe(60);
  });

  it("refuses finance every change and hides other people's keys behind 404", async () => {
    const colleagues = await createKeyAs(colleague, { name: "not yours" });
    await expect(createKeyAs(finance, { name: "nope" })).rejects.toMatchObject({ status: 403 });
    await expect(revokeKeyAs(finance, colleagues.key.id)).rejects.toMatchObject({ status: 403 });
    await expect(rotateKeyAs(finance, colleagues.key.id, "now")).rejects.toMatchObject({ status: 403 });
    await expect(updateKeyLimitsAs(finance, colleagues.key.id, { monthlyBudget: "1" })).rejects.toMatchObject({ status: 403 });
    await expect(revokeKeyAs(member, colleagues.key.id)).rejects.toMatchObject({ status: 404 });
    await expect(rotateKeyAs(member, colleagues.key.id, "now")).rejects.toMatchObject({ status: 404 });
    // Ids of another account swapped in.
    await expect(revokeKeyAs(otherAdmin, colleagues.key.id)).rejects.toMatchObject({ status: 404 });
    await expect(rotateKeyAs(otherAdmin, colleagues.key.id, "1h")).rejects.toMatchObject({ status: 404 });
    await expect(updateKeyLimitsAs(otherAdmin, colleagues.key.id, {})).rejects.toMatchObject({ status: 404 });
    expect((await call(servers[0]!, colleagues.secret)).status).toBe(200);
    // The account's admin may.
    await revokeKeyAs(admin, colleagues.key.id);
    expect(await eventually(async () => (await statusOn(colleagues.secret)).every((s) => s === 401))).toBe(true);
  });

  it("keeps a key's limits within the account's", async () => {
    await expect(createKeyAs(member, { name: "x", outputTokensPerHour: 0 })).rejects.toMatchObject({ status: 400 });
    await expect(createKeyAs(member, { name: "x", expires: "yesterday" })).rejects.toMatchObject({ status: 400 });
    await expect(createKeyAs(member, { name: "" })).rejects.toMatchObject({ status: 400, param: "name" });
    const ok = await createKeyAs(member, { name: "limited", monthlyBudget: "5", outputTokensPerHour: 100, expires: "30d", models: ["m"] });
    expect(ok.key.monthlyBudgetNanos).toBe(5_000_000_000n);
    expect(ok.key.allowedModels).toEqual(["m"]);
  });

  it("rotates with a grace period: both secrets work on both instances, then the old one stops by itself", async () => {
    const { key, secret: first } = await createKeyAs(member, { name: "rotating" });
    expect(await statusOn(first)).toEqual([200, 200]);
    const graceEnds = new Date(Date.now() + 2_500);
    const second = await rotateKeyAs(member, key.id, graceEnds.toISOString());
    expect(second.id).toBe(key.id);
    expect(await statusOn(second.secret)).toEqual([200, 200]);
    expect(await statusOn(first)).toEqual([200, 200]);
    const listed = (await listKeysAs(member)).keys.find((k) => k.id === key.id)!;
    expect(listed.status).toBe("rotating");
    expect(listed.previousExpiresAt?.getTime()).toBe(graceEnds.getTime());
    await new Promise((r) => setTimeout(r, graceEnds.getTime() - Date.now() + 50));
    expect(await statusOn(first)).toEqual([401, 401]);
    expect(await statusOn(second.secret)).toEqual([200, 200]);

    // Rotating a key that is rotating drops the secret in grace at once; the one it replaces takes its place.
    const third = await rotateKeyAs(member, key.id, "7d");
    expect(await statusOn(second.secret)).toEqual([200, 200]);
    const fourth = await rotateKeyAs(member, key.id, "1h");
    expect(await eventually(async () => (await statusOn(second.secret)).every((s) => s === 401))).toBe(true);
    expect(await statusOn(third.secret)).toEqual([200, 200]);
    expect(await statusOn(fourth.secret)).toEqual([200, 200]);
  });

  it("books usage from both secrets of a rotated key on the one key", async () => {
    const { key, secret: old } = await createKeyAs(member, { name: "one history" });
    const rotated = await rotateKeyAs(member, key.id, "1h");
    for (const s of [old, rotated.secret, old]) expect((await call(servers[1]!, s)).status).toBe(200);
    for (const s of servers) await s.runtime.gateway.options.recorder.flush();
    const report = await usageReport(member, { range: "today", key: key.id });
    expect(report.totals.requests).toBe(3);
    expect(report.breakdown.map((r) => r.id)).toEqual(["m"]);
  });

  it("rotation with grace 'now' ends the old secret at once on every instance", async () => {
    clearKeyCache();
    const { key, secret } = await createKeyAs(admin, { name: "now" });
    expect(await statusOn(secret)).toEqual([200, 200]);
    const rotated = await rotateKeyAs(admin, key.id, "now");
    expect(await eventually(async () => (await statusOn(secret)).every((s) => s === 401), 1_500)).toBe(true);
    expect(await statusOn(rotated.secret)).toEqual([200, 200]);
  });
});

