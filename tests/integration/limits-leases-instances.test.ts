import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, getDb, setDatabase } from "@/db/client";
import { insertPrice } from "@/db/queries/prices";
import { readBalance, readLeases } from "@/db/queries/limits";
import { addCredit } from "@/lib/billing/credit";
import { reclaimOrphanReservations } from "@/lib/limits/sweeper";
import { createTier } from "@/lib/limits/tiers";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";

/*
 * Two gateway processes on one Postgres database, one account. Far from its
 * limit, each admits the account's requests against its own leases; then 200
 * requests arrive at once and cross the limit: leases shrink, stop, and the
 * last requests reserve one by one, so exactly as many succeed as the limit
 * holds. The same for prepaid credit, which is never overspent. An instance
 * killed while it holds leases has them taken back: the limit is whole again.
 */

const TOKENS = 1_000;
const COST = BigInt(TOKENS) * 8_000n; // output only: the model's input is free
const LIMIT = 150; // requests of TOKENS the hour (and the credit) hold
const METRICS_TOKEN = "lease-test-metrics-token";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("leased limits across two instances [postgres]", () => {
  let fake: FakeBackend;
  let instances: Instance[] = [];
  let dbUrl: string;

  beforeAll(async () => {
    const db = await openScratchPg({ max: 10 });
    dbUrl = db.url;
    setDatabase(db);
    fake = await startFakeOpenAI({ machine: "leases" });
    await registerBackend("leases", fake.url, [
      { id: "leased", upstream: "echo" },
      { id: "leased-slow", upstream: "slow" },
    ]);
    for (const m of ["leased", "leased-slow"]) await insertPrice({ modelId: m, unit: "input_token", nanosPerUnit: 0n, effectiveFrom: new Date("2000-01-01") });
    await createTier({ name: "Leased hourly", postpaid: true, outputTokensPerHour: LIMIT * TOKENS, requestsPerMinute: 100_000 });
    await createTier({ name: "Leased credit", postpaid: false, purchaseCredit: "0.000001", requestsPerMinute: 100_000 });
    instances = await Promise.all([0, 1].map(() => startInstance({ DATABASE_URL: dbUrl, LLMAAS_METRICS_TOKEN: METRICS_TOKEN })));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop("SIGKILL")));
    await fake.close();
    await closeDatabase();
  });

  const chat = (url: string, secret: string, i: number, body: Record<string, unknown> = {}) =>
    fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "leased", messages: [{ role: "user", content: `request ${i}` }], max_tokens: TOKENS, fake: { tokens: TOKENS }, ...body }),
    }).then(async (res) => ({ status: res.status, requestId: res.headers.get("x-request-id"), body: (await res.json().catch(() => ({}))) as { error?: { code: string } } }));

  /** Requests admitted against leases and in the database so far, summed over the instances. */
  async function admissions(list = instances) {
    let lease = 0;
    let database = 0;
    for (const i of list) {
      const text = await (await fetch(`${i.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      lease += Number(/llmaas_limit_admissions_total\{path="lease"\} (\d+)/.exec(text)?.[1] ?? 0);
      database += Number(/llmaas_limit_admissions_total\{path="database"\} (\d+)/.exec(text)?.[1] ?? 0);
    }
    return { lease, database };
  }

  async function state(accountId: string) {
    const db = await getDb();
    const q = async (text: ReturnType<typeof sql>) => BigInt(((await db.execute(text)) as unknown as { rows: { s: string }[] }).rows[0]!.s);
    return {
      ledger: -(await q(sql`select coalesce(sum(amount_nanos),0)::text as s from ledger_entries where account_id = ${accountId} and kind = 'usage'`)),
      used: await q(sql`select coalesce(sum(used),0)::text as s from limit_counters where scope_id = ${accountId} and metric = 'output_tokens_hour'`),
      reserved: await q(sql`select coalesce(sum(reserved),0)::text as s from limit_counters where scope_id = ${accountId}`),
      open: await q(sql`select count(*)::text as s from reservations where account_id = ${accountId}`),
      leases: await q(sql`select count(*)::text as s from limit_leases where account_id = ${accountId}`),
    };
  }

  /** Far from the limit: `rounds` rounds of 8 requests, 4 on each instance. */
  async function farFromLimit(secret: string, rounds: number) {
    let ok = 0;
    for (let r = 0; r < rounds; r++) {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => chat(instances[i % 2]!.url, secret, r * 8 + i)));
      expect(results.map((x) => x.status)).toEqual(new Array(8).fill(200));
      ok += results.length;
    }
    return { ok };
  }

  async function crossTheLimit(secret: string) {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => chat(instances[i % 2]!.url, secret, 1_000 + i)));
    return { ok: results.filter((r) => r.status === 200).length, refused: results.filter((r) => r.status !== 200) };
  }

  it("far from an hourly token limit admits against leases, then crosses it under concurrency and lets exactly what it holds through", async () => {
    const t = await createTenant({ tier: "Leased hourly" });
    const before = await admissions();
    const far = await farFromLimit(t.secret, 10);
    const afterFar = await admissions();
    // Both instances leased: most requests far from the limit never reserved in the database.
    expect(afterFar.lease - before.lease).toBeGreaterThanOrEqual(far.ok / 2);
    const burst = await crossTheLimit(t.secret);
    const afterBurst = await admissions();
    console.log("hourly limit:", JSON.stringify({ far: far.ok, burstOk: burst.ok, leased: afterBurst.lease - before.lease, database: afterBurst.database - before.database }));
    // The last ones were reserved one by one.
    expect(afterBurst.database - afterFar.database).toBeGreaterThan(0);
    expect(far.ok + burst.ok).toBe(LIMIT);
    expect(new Set(burst.refused.map((r) => `${r.status} ${r.body.error?.code}`))).toEqual(new Set(["429 rate_limit_exceeded"]));
    // Idle: leases given back, usage written, counters exact.
    await expect.poll(async () => (await state(t.account.id)).leases, { timeout: 3_000 }).toBe(0n);
    await expect.poll(async () => (await state(t.account.id)).ledger, { timeout: 3_000 }).toBe(COST * BigInt(LIMIT));
    expect(await state(t.account.id)).toMatchObject({ used: BigInt(LIMIT * TOKENS), reserved: 0n, open: 0n, leases: 0n });
  }, 90_000);

  it("200 concurrent requests on a fresh account, through both instances: exactly what the hour holds", async () => {
    const t = await createTenant({ tier: "Leased hourly" });
    const burst = await crossTheLimit(t.secret);
    expect(burst.ok).toBe(LIMIT);
    await expect.poll(async () => (await state(t.account.id)).leases, { timeout: 3_000 }).toBe(0n);
    await expect.poll(async () => (await state(t.account.id)).ledger, { timeout: 3_000 }).toBe(COST * BigInt(LIMIT));
    expect(await state(t.account.id)).toMatchObject({ used: BigInt(LIMIT * TOKENS), reserved: 0n, open: 0n });
  }, 90_000);

  it("far from exhausting prepaid credit admits against leases, then never overspends it", async () => {
    const t = await createTenant({ tier: "Leased credit" });
    await addCredit({ account: t.account.name, amount: (Number(COST * BigInt(LIMIT)) / 1e9).toFixed(9) });
    const before = await admissions();
    const far = await farFromLimit(t.secret, 10);
    expect((await admissions()).lease - before.lease).toBeGreaterThanOrEqual(far.ok / 2);
    const burst = await crossTheLimit(t.secret);
    expect(far.ok + burst.ok).toBe(LIMIT);
    expect(new Set(burst.refused.map((r) => `${r.status} ${r.body.error?.code}`))).toEqual(new Set(["429 insufficient_quota"]));
    await expect.poll(async () => (await state(t.account.id)).leases, { timeout: 3_000 }).toBe(0n);
    await expect.poll(async () => (await state(t.account.id)).ledger, { timeout: 3_000 }).toBe(COST * BigInt(LIMIT));
    expect(await readBalance({ accountId: t.account.id })).toMatchObject({ balanceNanos: 0n, reservedNanos: 0n });
  }, 90_000);

  it("takes back the leases of an instance killed while it holds them: the limit is whole again", async () => {
    const victim = await startInstance({ DATABASE_URL: dbUrl, LLMAAS_METRICS_TOKEN: METRICS_TOKEN });
    const t = await createTenant({ tier: "Leased hourly" });
    // The victim serves the account busily (small requests), with a long stream running.
    const answered: string[] = [];
    for (let r = 0; r < 5; r++) {
      const results = await Promise.all(Array.from({ length: 4 }, (_, i) => chat(victim.url, t.secret, r * 4 + i, { max_tokens: 10, fake: { tokens: 10 } })));
      for (const x of results) if (x.status === 200) answered.push(x.requestId!);
    }
    const stream = await fetch(`${victim.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "leased-slow", messages: [{ role: "user", content: "x" }], stream: true, max_tokens: 300, fake: { tokens: 300, delayMs: 25 } }),
    });
    const reader = stream.body!.getReader();
    let text = "";
    while ((text.match(/"content":"[^"]+"/g) ?? []).length < 5) text += new TextDecoder().decode((await reader.read()).value);
    expect((await admissions([victim])).lease).toBeGreaterThan(0);
    const held = await readLeases({ accountId: t.account.id });
    expect(held.filter((l) => l.instanceId && l.amount > 0n).length).toBeGreaterThan(0);
    // Long enough for the stream's checkpoint (it is written at the first heartbeat once it has run a second),
    // still busy (its leases open), then killed.
    let busy = true;
    const clients = Array.from({ length: 3 }, async (_, c) => {
      for (let i = 0; busy; i++) {
        const x = await chat(victim.url, t.secret, 100 + c * 1_000 + i, { max_tokens: 10, fake: { tokens: 10 } }).catch(() => null);
        if (x?.status === 200) answered.push(x.requestId!);
      }
    });
    await sleep(3_500);
    expect((await readLeases({ accountId: t.account.id })).filter((l) => !l.draining && l.amount > 0n).length).toBeGreaterThan(0);
    await victim.stop("SIGKILL");
    busy = false;
    await Promise.all(clients);
    await reader.cancel().catch(() => {});
    expect((await state(t.account.id)).leases).toBeGreaterThan(0n);
    expect((await state(t.account.id)).reserved).toBeGreaterThan(0n);

    // The live instances' heartbeats are under 2 s old; the victim's is older.
    await sleep(2_500);
    expect(await reclaimOrphanReservations({ staleMs: 2_400 })).toBeGreaterThanOrEqual(2);
    expect(await reclaimOrphanReservations({ staleMs: 2_400 })).toBe(0);
    // Whole again: nothing reserved; what the victim answered is billed (its journal, on the same data folder,
    // is written by the live instances), the stream for what it had generated at its checkpoint.
    await expect.poll(async () => (await state(t.account.id)).ledger, { timeout: 5_000 }).toBeGreaterThanOrEqual(BigInt(answered.length) * 10n * 8_000n);
    const s = await state(t.account.id);
    expect(s).toMatchObject({ reserved: 0n, open: 0n, leases: 0n });
    const db = await getDb();
    const { rows } = (await db.execute(sql`select request_id, completion_tokens, error_code from usage_events where account_id = ${t.account.id}`)) as unknown as {
      rows: { request_id: string; completion_tokens: number; error_code: string | null }[];
    };
    for (const id of answered) expect(rows.some((r) => r.request_id === id)).toBe(true);
    const lost = rows.filter((r) => r.error_code === "instance_lost");
    expect(lost).toHaveLength(1);
    expect(lost[0]!.completion_tokens).toBeGreaterThanOrEqual(5);
    // The hour holds what was billed: the answers, the stream's checkpoint, and at most one request per client
    // that the victim had settled (journaled before its answer leaves) when it was killed, before it was sent.
    const unanswered = s.used - BigInt(answered.length * 10 + lost[0]!.completion_tokens);
    expect(unanswered % 10n).toBe(0n);
    expect(unanswered).toBeGreaterThanOrEqual(0n);
    expect(unanswered).toBeLessThanOrEqual(30n);
    expect(s.ledger).toBe(s.used * 8_000n);
    // Everything else the hour holds can be used, to the token, by the live instances.
    const left = BigInt(LIMIT * TOKENS) - s.used;
    const fits = Number(left / BigInt(TOKENS));
    const results = await Promise.all(Array.from({ length: fits + 20 }, (_, i) => chat(instances[i % 2]!.url, t.secret, 5_000 + i)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(fits);
  }, 90_000);
});
