import { afterAll, beforeAll, expect, it } from "vitest";
import { setMonthlyBudget } from "@/lib/accounts";
import { addCredit } from "@/lib/billing/credit";
import { PriceBook } from "@/lib/billing/prices";
import { DbLimiter } from "@/lib/limits/limiter";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";
import { formatEuros } from "@/lib/billing/money";
import { getDb } from "@/db/client";
import { sql } from "drizzle-orm";

/*
 * Sequential requests that each reserve far more than they cost, up to 80 %
 * of a small monthly budget: every one is admitted, although the requests
 * before it may still wait to be settled (in the next batch) holding their
 * worst cases; past the budget, they are refused.
 */
describeEachDriver("a small monthly budget, crossed step by step", () => {
  let fake: FakeBackend;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "seq" });
    await registerBackend("seq", fake.url, [{ id: "m", upstream: "echo" }]);
    const prices = new PriceBook(100);
    server = await startGatewayServer({ limiter: new DbLimiter({ prices, timezone: "UTC" }), prices });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });
  const spent = async (accountId: string) => {
    await server.runtime.gateway.idle();
    await server.runtime.gateway.options.recorder.flush();
    const db = await getDb();
    const r = (await db.execute(sql`select coalesce(-sum(amount_nanos), 0)::text as s from ledger_entries where account_id = ${accountId} and kind = 'usage'`)) as unknown as { rows: { s: string }[] };
    return BigInt(r.rows[0]!.s);
  };

  it("admits every request below the budget, then refuses before it is overspent", async () => {
    const callWith = (secret: string) => () =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x".repeat(2_000) }], max_tokens: 20 }),
      });
    // What one call costs, measured on another account.
    const probe = await createTenant({ tier: "Tier 1" });
    await addCredit({ account: probe.account.name, amount: "200" });
    expect((await callWith(probe.secret)()).status).toBe(200);
    const cost = await spent(probe.account.id);
    // The account under test has its budget from its first request on.
    const tenant = await createTenant({ tier: "Tier 1" });
    await addCredit({ account: tenant.account.name, amount: "200" });
    const budget = cost + 25n * cost;
    await setMonthlyBudget({ account: tenant.account.name, monthly: formatEuros(budget, 9) });
    const call = callWith(tenant.secret);
    expect((await call()).status).toBe(200);
    const statuses: number[] = [];
    let calls = 1;
    while (BigInt(calls) * cost * 100n < budget * 80n) {
      const res = await call();
      statuses.push(res.status);
      calls++;
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // And the budget still holds: calls go on until one is refused, never past it.
    let refused = false;
    for (let i = 0; i < 40 && !refused; i++) refused = (await call()).status === 429;
    expect(refused).toBe(true);
    expect(await spent(tenant.account.id)).toBeLessThanOrEqual(budget);
  });
});
