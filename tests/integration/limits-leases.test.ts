import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { insertPrice } from "@/db/queries/prices";
import { leaseLimits, readLeases } from "@/db/queries/limits";
import { findAccountById } from "@/db/queries/accounts";
import { setMonthlyBudget } from "@/lib/accounts";
import { createTier, editTier } from "@/lib/limits/tiers";
import { PriceBook } from "@/lib/billing/prices";
import { setKeyLimits } from "@/lib/keys/manage";
import { DbLimiter } from "@/lib/limits/limiter";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, reserveForTenant, startGatewayServer } from "@/tests/support/gateway";

/*
 * A busy account's requests are admitted against leases in memory; near a
 * limit leases stop and requests reserve one by one, so the count stays
 * exact; leases go back when the account is idle.
 */

const TOKENS = 1_000;
const COST = BigInt(TOKENS) * 8_000n; // output only: the model's input is free

describeEachDriver("leased limits", () => {
  let fake: FakeBackend;
  let server: TestServer;
  let limiter: DbLimiter;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "lease" });
    await registerBackend("lease", fake.url, [
      { id: "lease-m", upstream: "echo" },
      { id: "lease-slow", upstream: "slow" },
    ]);
    for (const m of ["lease-m", "lease-slow"]) await insertPrice({ modelId: m, unit: "input_token", nanosPerUnit: 0n, effectiveFrom: new Date("2000-01-01") });
    await createTier({ name: "Lease hourly", postpaid: true, outputTokensPerHour: 150 * TOKENS, requestsPerMinute: 100_000 });
    const prices = new PriceBook(200);
    limiter = new DbLimiter({ prices, timezone: "UTC", heartbeatMs: 300 });
    server = await startGatewayServer({ limiter, prices });
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const chat = (secret: string, body: Record<string, unknown> = {}) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "lease-m", messages: [{ role: "user", content: "hi" }], max_tokens: TOKENS, fake: { tokens: TOKENS }, ...body }),
    });

  const counters = async (accountId: string) => {
    const db = await getDb();
    const { rows } = (await db.execute(
      sql`select coalesce(sum(used), 0)::text as used, coalesce(sum(reserved), 0)::text as reserved from limit_counters where scope_id = ${accountId} and metric = 'output_tokens_hour'`,
    )) as unknown as { rows: { used: string; reserved: string }[] };
    return { used: BigInt(rows[0]!.used), reserved: BigInt(rows[0]!.reserved) };
  };

  it("admits far from the limit against leases, then exactly as many as the limit holds, and gives the leases back when idle", async () => {
    const t = await createTenant({ tier: "Lease hourly" });
    const before = limiter.admissions;
    // Far from the limit: 100 requests, 4 at a time, with headers that never promise more than is left.
    let answered = 0;
    let leasedSeen = 0;
    for (let round = 0; round < 25; round++) {
      const results = await Promise.all(Array.from({ length: 4 }, () => chat(t.secret)));
      for (const res of results) {
        expect(res.status).toBe(200);
        const remaining = Number(res.headers.get("x-ratelimit-remaining-tokens"));
        expect(res.headers.get("x-ratelimit-limit-tokens")).toBe(String(150 * TOKENS));
        expect(remaining).toBeLessThanOrEqual(150 * TOKENS - (answered + 1) * TOKENS);
        expect(remaining).toBeGreaterThanOrEqual(150 * TOKENS - (answered + 4) * TOKENS);
        await res.text();
      }
      answered += 4;
      if ((await readLeases({ accountId: t.account.id })).some((l) => l.instanceId === limiter.instanceId && l.metric === "output_tokens_hour")) leasedSeen++;
    }
    const far = limiter.admissions;
    expect(far.leased - before.leased).toBeGreaterThanOrEqual(80);
    expect(leasedSeen).toBeGreaterThan(0);

    // Then 100 at once: 50 fit. Leases shrink, stop, and the last requests reserve one by one.
    const burst = await Promise.all(Array.from({ length: 100 }, () => chat(t.secret).then(async (r) => ({ status: r.status, body: await r.json() }))));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(50);
    expect(new Set(burst.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.error.code}`))).toEqual(new Set(["429 rate_limit_exceeded"]));
    expect(limiter.admissions.database - far.database).toBeGreaterThan(0);

    // Idle: the leases go back; the counters hold exactly what was used.
    await expect.poll(async () => (await readLeases({ accountId: t.account.id })).length, { timeout: 3_000 }).toBe(0);
    await server.runtime.gateway.options.recorder.flush();
    expect(await counters(t.account.id)).toEqual({ used: 150n * BigInt(TOKENS), reserved: 0n });
    const db = await getDb();
    const { rows } = (await db.execute(sql`select coalesce(sum(-amount_nanos), 0)::text as s from ledger_entries where account_id = ${t.account.id} and kind = 'usage'`)) as unknown as {
      rows: { s: string }[];
    };
    expect(BigInt(rows[0]!.s)).toBe(150n * COST);
    // What a request that reserves nothing is told agrees.
    await new Promise((r) => setTimeout(r, 1_100));
    const models = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${t.secret}` } });
    expect(models.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
  }, 60_000);

  it("leases a key's own limit like the account's: far from it in memory, across it exactly", async () => {
    const t = await createTenant({ tier: "Lease hourly" });
    await setKeyLimits({ id: t.key.id, scope: "platform", outputTokensPerHour: 60 * TOKENS });
    const before = limiter.admissions;
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(Array.from({ length: 4 }, () => chat(t.secret)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    }
    expect((await readLeases({ accountId: t.account.id })).some((l) => l.scopeId === t.key.id)).toBe(true);
    const burst = await Promise.all(Array.from({ length: 60 }, () => chat(t.secret).then((r) => r.status)));
    expect(burst.filter((s) => s === 200)).toHaveLength(40);
    expect(limiter.admissions.leased - before.leased).toBeGreaterThanOrEqual(10);
    await expect.poll(async () => (await readLeases({ accountId: t.account.id })).length, { timeout: 3_000 }).toBe(0);
    await server.runtime.gateway.options.recorder.flush();
    const db = await getDb();
    const { rows } = (await db.execute(
      sql`select coalesce(sum(used), 0)::text as used, coalesce(sum(reserved), 0)::text as reserved from limit_counters where scope_id = ${t.key.id} and metric = 'output_tokens_hour'`,
    )) as unknown as { rows: { used: string; reserved: string }[] };
    expect(rows[0]).toEqual({ used: String(60 * TOKENS), reserved: "0" });
  }, 60_000);

  it("checkpoints a leased stream that outlives a heartbeat, and settles it once", async () => {
    const t = await createTenant({ tier: "Lease hourly" });
    // Busy: two clients keep the account's requests coming (however slow a loaded machine makes them, so its
    // leases are never idle), until the stream has its answer's headers.
    const start = limiter.admissions.leased;
    let streamed = false;
    const busy = Promise.all(
      [0, 1].map(async () => {
        while (!streamed) expect((await chat(t.secret, { max_tokens: 10, fake: { tokens: 10 } })).status).toBe(200);
      }),
    );
    await expect.poll(() => limiter.admissions.leased - start, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const res = await chat(t.secret, { model: "lease-slow", stream: true, max_tokens: 100, fake: { tokens: 40, delayMs: 40 } });
    streamed = true;
    await busy;
    const requestId = res.headers.get("id")!;
    const db = await getDb();
    const checkpoint = async () =>
      (
        (await db.execute(sql`select holds, progress from reservations where request_id = ${requestId}`)) as unknown as {
          rows: { holds: { leased?: { holds: { leaseId: string | null }[] } }; progress: { completionTokens: number } }[];
        }
      ).rows[0];
    await expect.poll(checkpoint, { timeout: 3_000 }).toBeDefined();
    const row = await checkpoint();
    expect(row!.holds.leased!.holds.some((h) => h.leaseId !== null)).toBe(true);
    expect(row!.progress.completionTokens).toBeGreaterThan(0);
    await res.text();
    await server.runtime.gateway.idle();
    await server.runtime.gateway.options.recorder.flush();
    expect(await checkpoint()).toBeUndefined();
    const { rows } = (await db.execute(sql`select completion_tokens, cost_nanos::text as cost from usage_events where request_id = ${requestId}`)) as unknown as {
      rows: { completion_tokens: number; cost: string }[];
    };
    expect(rows).toEqual([{ completion_tokens: 40, cost: String(40n * 8_000n) }]);
  }, 30_000);

  it("refuses a lease grant or a reservation asked under limits changed since (an account's budget, a key's, its tier's), and admits under the new ones", async () => {
    await createTier({ name: "Lease versions", postpaid: true, requestsPerMinute: 1_000 });
    const t = await createTenant({ tier: "Lease versions" });
    const versionsOf = async () => {
      const found = (await findAccountById({ id: t.account.id }))!;
      return { account: found.account.limitsVersion, tier: found.tier.limitsVersion };
    };
    const month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
    const grant = (versions: { account: number; tier: number }) =>
      leaseLimits({
        accountId: t.account.id,
        instanceId: limiter.instanceId,
        activationNanos: null,
        versions,
        ops: [{ op: "grant", id: crypto.randomUUID(), new: true, scopeId: t.account.id, metric: "spend_month", windowStart: month, limit: 1_000_000n, want: 1_000n, min: 1n, share: 4 }],
      });
    const reserve = (versions: { account: number; tier: number }) =>
      reserveForTenant(t, {
        instanceId: limiter.instanceId,
        modelId: "lease-m",
        holds: [{ scopeId: t.account.id, metric: "spend_month", windowStart: month, amount: 1_000n, limit: 1_000_000n }],
        versions,
      });
    let versions = await versionsOf();
    expect((await grant(versions))[0]).toMatchObject({ granted: 1_000n, stale: false });
    // Each kind of change raises a version; what was read under the one before is refused, nothing granted or reserved.
    const changes = [
      () => setMonthlyBudget({ account: t.account.name, monthly: "0.001" }),
      () => setKeyLimits({ id: t.key.id, scope: "platform", monthlyBudget: "0.0005" }),
      () => editTier({ name: "Lease versions", requestsPerMinute: 999 }),
    ];
    for (const change of changes) {
      await change();
      const stale = versions;
      versions = await versionsOf();
      expect(versions).not.toEqual(stale);
      expect((await grant(stale))[0]).toMatchObject({ granted: 0n, stale: true });
      expect(await reserve(stale)).toEqual({ ok: false, reason: "stale" });
      expect((await grant(versions))[0]).toMatchObject({ granted: 1_000n, stale: false });
      expect(await reserve(versions)).toMatchObject({ ok: true });
    }
    // Other edits (a key's name, a tier's description) leave the versions as they are.
    await setKeyLimits({ id: t.key.id, scope: "platform", models: ["lease-m"] });
    await editTier({ name: "Lease versions", description: "edited" });
    expect(await versionsOf()).toEqual(versions);
  });
});
