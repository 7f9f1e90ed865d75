import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { createUser } from "@/lib/users";
import { addCredit } from "@/lib/billing/credit";
import type { Caller } from "@/lib/console/authz";
import { localMonth } from "@/lib/console/zone";
import { creditAccountAs } from "@/lib/finance/credit";
import { financeOverview } from "@/lib/finance/overview";
import { accountStatement } from "@/lib/finance/statement";
import { main } from "@/lib/cli/main";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

describeEachDriver("finance: statements, credit and who may read them", () => {
  let fake: FakeBackend;
  let server: TestServer;
  let t: Awaited<ReturnType<typeof createTenant>>;
  let other: Awaited<ReturnType<typeof createTenant>>;
  let admin: Caller, finance: Caller, member: Caller, otherAdmin: Caller, superadmin: Caller;
  const month = localMonth(new Date(), "UTC");

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "fin" });
    await registerBackend("fin", fake.url, [
      { id: "f1", upstream: "echo" },
      { id: "f2", upstream: "reasoner" },
    ]);
    server = await startGatewayServer();
    t = await createTenant({ tier: "Tier 1" });
    other = await createTenant();
    const as = (u: { id: string; accountId: string }, role: Caller["role"], sa = false): Caller => ({ userId: u.id, accountId: u.accountId, role, superadmin: sa });
    admin = as(t.user, "admin");
    otherAdmin = as(other.user, "admin");
    finance = as(await createUser({ email: `f-${t.account.id}@x.test`, password: "password-123", accountId: t.account.id, role: "finance" }), "finance");
    member = as(await createUser({ email: `m-${t.account.id}@x.test`, password: "password-123", accountId: t.account.id, role: "member" }), "member");
    superadmin = as(await createUser({ email: `s-${other.account.id}@x.test`, password: "password-123", accountId: other.account.id, role: "admin", superadmin: true }), "admin", true);
    await addCredit({ account: t.account.name, amount: "200", note: "first top-up" });
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const call = (model: string) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "tell me something" }], max_tokens: 12 }),
    });
  const ledger = async (kind: string) => {
    const db = await getDb();
    const r = (await db.execute(sql`select coalesce(sum(amount_nanos), 0)::text as s from ledger_entries where account_id = ${t.account.id} and kind = ${kind}`)) as unknown as {
      rows: { s: string }[];
    };
    return BigInt(r.rows[0]!.s);
  };

  it("gives a statement equal to the ledger to the nano-euro, with adjustments and their reasons", async () => {
    for (const m of ["f1", "f2", "f1"]) expect((await call(m)).status).toBe(200);
    await server.runtime.gateway.idle();
    await server.runtime.gateway.options.recorder.flush();
    // A refund through the CLI, negative, with its reason.
    expect(await main(["node", "llmaas", "credit", "adjust", "--account", t.account.name, "--amount", "-12.50", "--reason", "Refund: duplicate top-up"], { out: () => {}, err: () => {} }, { manageDatabase: false })).toBe(0);
    const s = await accountStatement(finance, { month });
    expect(s.totals.usageNanos).toBe(-(await ledger("usage")));
    expect(s.totals.topUpsNanos).toBe(await ledger("credit"));
    expect(s.totals.adjustmentsNanos).toBe(-12_500_000_000n);
    expect(s.credits.find((c) => c.kind === "adjustment")!.note).toBe("Refund: duplicate top-up");
    expect(s.lines.reduce((sum, l) => sum + l.amountNanos, 0n)).toBe(s.totals.usageNanos);
    for (const l of s.lines) expect(l.amountNanos).toBe(l.quantity * l.unitPriceNanos);
    expect(new Set(s.lines.map((l) => l.modelId))).toEqual(new Set(["f1", "f2"]));
    expect(s.closingNanos).toBe(s.openingNanos + s.totals.topUpsNanos + s.totals.adjustmentsNanos - s.totals.usageNanos);
    expect(s.closingNanos).toBe((await ledger("credit")) + (await ledger("adjustment")) + (await ledger("usage")));
    const o = await financeOverview(admin, {});
    expect(o.series.at(-1)!.costNanos).toBe(s.totals.usageNanos);
    expect(o.byKind.reduce((sum, k) => sum + k.amountNanos, 0n)).toBe(s.totals.usageNanos);
  });

  it("an adjustment is not a purchase: it never counts toward a tier's purchase credit", async () => {
    const db = await getDb();
    const before = (await db.execute(sql`select purchased_nanos::text as p from account_balances where account_id = ${t.account.id}`)) as unknown as { rows: { p: string }[] };
    await creditAccountAs(superadmin, { accountId: t.account.id, kind: "adjustment", amount: "30", reason: "Goodwill credit" });
    const after = (await db.execute(sql`select purchased_nanos::text as p from account_balances where account_id = ${t.account.id}`)) as unknown as { rows: { p: string }[] };
    expect(after.rows[0]!.p).toBe(before.rows[0]!.p);
    await expect(creditAccountAs(superadmin, { accountId: t.account.id, kind: "adjustment", amount: "-1" })).rejects.toMatchObject({ status: 400, param: "reason" });
  });

  it("lets finance and admins read their own account, superadmins any, and nobody else", async () => {
    await expect(accountStatement(member, { month })).rejects.toMatchObject({ status: 403 });
    await expect(financeOverview(member, {})).rejects.toMatchObject({ status: 403 });
    await expect(accountStatement(otherAdmin, { accountId: t.account.id, month })).rejects.toMatchObject({ status: 404 });
    await expect(financeOverview(finance, { accountId: other.account.id })).rejects.toMatchObject({ status: 404 });
    expect((await accountStatement(superadmin, { accountId: t.account.id, month })).account.id).toBe(t.account.id);
    await expect(creditAccountAs(admin, { accountId: t.account.id, kind: "credit", amount: "1000" })).rejects.toMatchObject({ status: 403 });
    await expect(creditAccountAs(finance, { accountId: t.account.id, kind: "credit", amount: "1000" })).rejects.toMatchObject({ status: 403 });
  });
});
