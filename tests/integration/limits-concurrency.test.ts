import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, getDb, setDatabase } from "@/db/client";
import { insertPrice } from "@/db/queries/prices";
import { addCredit } from "@/lib/billing/credit";
import { reclaimOrphanReservations } from "@/lib/limits/sweeper";
import { createTier } from "@/lib/limits/tiers";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";

/*
 * Two gateway processes share one Postgres database. 200 requests from one
 * account arrive at once, half at each; the limit fits exactly K of them.
 */
const K = 37;
const COST = 10n * 8000n; // 10 output tokens; input is free for this model

describe("limits hold across two instances under concurrency [postgres]", () => {
  let fake: FakeBackend;
  let instances: Instance[] = [];
  let dbUrl: string;

  beforeAll(async () => {
    const db = await openScratchPg({ max: 20 });
    dbUrl = db.url;
    setDatabase(db);
    fake = await startFakeOpenAI({ machine: "burst" });
    await registerBackend("burst", fake.url, [
      { id: "free-input", upstream: "echo" },
      { id: "slow", upstream: "slow" },
    ]);
    await insertPrice({ modelId: "free-input", unit: "input_token", nanosPerUnit: 0n, effectiveFrom: new Date("2000-01-01") });
    await insertPrice({ modelId: "slow", unit: "input_token", nanosPerUnit: 0n, effectiveFrom: new Date("2000-01-01") });
    await createTier({ name: "Burst hourly", postpaid: true, outputTokensPerHour: K * 10, requestsPerMinute: 100_000 });
    await createTier({ name: "Burst budget", postpaid: true, monthlyLimit: (Number(COST) * K / 1e9).toFixed(9), requestsPerMinute: 100_000 });
    await createTier({ name: "Burst credit", postpaid: false, purchaseCredit: "0.000001", requestsPerMinute: 100_000 });
    instances = await Promise.all([startInstance({ DATABASE_URL: dbUrl }), startInstance({ DATABASE_URL: dbUrl })]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop("SIGKILL")));
    await fake.close();
    await closeDatabase();
  });

  async function burst(secret: string) {
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const res = await fetch(`${instances[i % 2]!.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "free-input", messages: [{ role: "user", content: `request ${i}` }], max_tokens: 10, fake: { tokens: 10 } }),
        });
        const body = await res.json();
        return { status: res.status, code: body.error?.code as string | undefined };
      }),
    );
    // Let both instances write their usage.
    await new Promise((r) => setTimeout(r, 600));
    return results;
  }

  async function spend(accountId: string) {
    const db = await getDb();
    const q = async (text: ReturnType<typeof sql>) => BigInt(((await db.execute(text)) as unknown as { rows: { s: string }[] }).rows[0]!.s);
    return {
      ledger: -(await q(sql`select coalesce(sum(amount_nanos),0)::text as s from ledger_entries where account_id = ${accountId} and kind = 'usage'`)),
      events: await q(sql`select coalesce(sum(cost_nanos),0)::text as s from usage_events where account_id = ${accountId} and status = 200`),
      reserved: await q(sql`select coalesce(sum(reserved),0)::text as s from limit_counters where scope_id = ${accountId}`),
      open: await q(sql`select count(*)::text as s from reservations where account_id = ${accountId}`),
    };
  }

  const cases = [
    { tier: "Burst hourly", code: "rate_limit_exceeded", credit: null },
    { tier: "Burst budget", code: "monthly_budget_exceeded", credit: null },
    { tier: "Burst credit", code: "insufficient_quota", credit: (Number(COST) * K / 1e9).toFixed(9) },
  ];

  for (const c of cases) {
    it(`lets exactly ${K} of 200 through a ${c.tier.replace("Burst ", "")} limit and bills them to the unit`, async () => {
      const t = await createTenant({ tier: c.tier });
      if (c.credit) await addCredit({ account: t.account.name, amount: c.credit });
      const results = await burst(t.secret);
      const ok = results.filter((r) => r.status === 200).length;
      const refused = results.filter((r) => r.status === 429);
      expect(ok).toBe(K);
      expect(refused.length).toBe(200 - K);
      expect(new Set(refused.map((r) => r.code))).toEqual(new Set([c.code]));
      const s = await spend(t.account.id);
      expect(s.ledger).toBe(COST * BigInt(K));
      expect(s.events).toBe(COST * BigInt(K));
      expect(s.reserved).toBe(0n);
      expect(s.open).toBe(0n);
    }, 60_000);
  }

  it("reconciles the reservations of a killed instance from its checkpoints", async () => {
    const victim = await startInstance({ DATABASE_URL: dbUrl });
    const t = await createTenant({ tier: "Burst hourly" });
    const res = await fetch(`${victim.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "slow", messages: [{ role: "user", content: "x" }], stream: true, max_tokens: 300, fake: { tokens: 300, delayMs: 25 } }),
    });
    const requestId = res.headers.get("id")!;
    const reader = res.body!.getReader();
    let text = "";
    while ((text.match(/"content":"[^"]+"/g) ?? []).length < 10) text += new TextDecoder().decode((await reader.read()).value);
    // Long enough for a heartbeat to checkpoint the stream's progress.
    await new Promise((r) => setTimeout(r, 2600));
    await victim.stop("SIGKILL");
    await reader.cancel().catch(() => {});

    const db = await getDb();
    const before = await spend(t.account.id);
    expect(before.open).toBe(1n);
    expect(before.reserved).toBeGreaterThan(0n);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await reclaimOrphanReservations({ staleMs: 1000 })).toBeGreaterThanOrEqual(1);
    expect(await reclaimOrphanReservations({ staleMs: 1000 })).toBe(0);

    const after = await spend(t.account.id);
    expect(after.open).toBe(0n);
    expect(after.reserved).toBe(0n);
    const { rows } = (await db.execute(
      sql`select completion_tokens, cost_nanos::text, error_code, estimated from usage_events where request_id = ${requestId}`,
    )) as unknown as { rows: { completion_tokens: number; cost_nanos: string; error_code: string; estimated: boolean }[] };
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ error_code: "instance_lost", estimated: true });
    expect(rows[0]!.completion_tokens).toBeGreaterThanOrEqual(10);
    expect(rows[0]!.completion_tokens).toBeLessThan(300);
    expect(BigInt(rows[0]!.cost_nanos)).toBe(BigInt(rows[0]!.completion_tokens) * 8000n);
    expect(after.ledger).toBe(BigInt(rows[0]!.cost_nanos));
    // The hour's buckets now hold exactly what was billed.
    const { rows: counter } = (await db.execute(
      sql`select sum(used)::int as used from limit_counters where scope_id = ${t.account.id} and metric = 'output_tokens_hour'`,
    )) as unknown as { rows: { used: number }[] };
    expect(counter[0]!.used).toBe(rows[0]!.completion_tokens);
  }, 60_000);
});
