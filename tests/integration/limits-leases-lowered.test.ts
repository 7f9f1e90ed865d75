import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, getDb, setDatabase } from "@/db/client";
import { readConfigVersion } from "@/db/queries/config";
import { insertPrice } from "@/db/queries/prices";
import { readLeases } from "@/db/queries/limits";
import { setMonthlyBudget } from "@/lib/accounts";
import { formatEuros } from "@/lib/billing/money";
import { setKeyLimits } from "@/lib/keys/manage";
import { limitsApplied } from "@/lib/limits/propagation";
import { createTier } from "@/lib/limits/tiers";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";

/*
 * A limit lowered while two gateway processes admit an account's requests
 * against leases taken under the old one, under concurrent load. Once the
 * change's save has returned, nothing admitted anywhere takes the limit's
 * counter (used + reserved) above the new limit, to the nano-euro or the
 * token, unless it was there when the change was committed.
 *
 * The new limit is what the counter holds (used and reserved, the leases
 * included) at the very moment of the change, plus room for a few requests:
 * it is computed in the change's own transaction, under the account's lock,
 * so that moment is known exactly; then comes the wait every save makes
 * (limitsApplied). Leases taken under the old limit and still drawn on, or
 * topped up, afterwards would take the counter past it. The last test saves
 * through the product's own function, as the console and the CLI do.
 */

const TOKENS = 100;
const COST = BigInt(TOKENS) * 8_000n; // output only: the model's input is free
/** The old limit, in requests; a tenth of it is used before it is lowered. */
const OLD = 1_000n;
/** The new limit: what is used and reserved when it is changed, plus room for this many requests. */
const ROOM = 5n;
const CLIENTS = 16;
const METRICS_TOKEN = "lowered-test-metrics-token";

describe("a limit lowered under load, across two instances [postgres]", () => {
  let fake: FakeBackend;
  let instances: Instance[] = [];

  beforeAll(async () => {
    const db = await openScratchPg({ max: 10 });
    setDatabase(db);
    fake = await startFakeOpenAI({ machine: "lowered" });
    await registerBackend("lowered", fake.url, [{ id: "lowered", upstream: "echo" }]);
    await insertPrice({ modelId: "lowered", unit: "input_token", nanosPerUnit: 0n, effectiveFrom: new Date("2000-01-01") });
    await createTier({ name: "Lowered budget", postpaid: true, requestsPerMinute: 1_000_000 });
    await createTier({ name: "Lowered hourly", postpaid: true, requestsPerMinute: 1_000_000, outputTokensPerHour: Number(OLD) * TOKENS });
    instances = await Promise.all([0, 1].map(() => startInstance({ DATABASE_URL: db.url, LLMAAS_METRICS_TOKEN: METRICS_TOKEN })));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop("SIGKILL")));
    await fake.close();
    await closeDatabase();
  });

  const chat = (url: string, secret: string, i: number) =>
    fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "lowered", messages: [{ role: "user", content: `request ${i}` }], max_tokens: TOKENS, fake: { tokens: TOKENS } }),
    }).then(async (res) => ({ status: res.status, body: (await res.json().catch(() => ({}))) as { error?: { code: string } } }));

  async function leasedAdmissions() {
    let n = 0;
    for (const i of instances) {
      const text = await (await fetch(`${i.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      n += Number(/llmaas_limit_admissions_total\{path="lease"\} (\d+)/.exec(text)?.[1] ?? 0);
    }
    return n;
  }

  const counterSql = (scopeId: string, metric: string) =>
    sql`select coalesce(sum(used), 0)::text as used, coalesce(sum(reserved), 0)::text as reserved from limit_counters where scope_id = ${scopeId} and metric = ${metric}`;
  const asCounter = (r: unknown) => {
    const row = (r as { rows: { used: string; reserved: string }[] }).rows[0]!;
    return { used: BigInt(row.used), reserved: BigInt(row.reserved) };
  };
  const counter = async (scopeId: string, metric: string) => asCounter(await (await getDb()).execute(counterSql(scopeId, metric)));

  async function ledger(accountId: string, keyId?: string, after?: Date) {
    const db = await getDb();
    const { rows } = (await db.execute(
      sql`select coalesce(-sum(amount_nanos), 0)::text as s from ledger_entries where account_id = ${accountId} and kind = 'usage'
        ${keyId ? sql`and key_id = ${keyId}` : sql``} ${after ? sql`and created_at > ${after.toISOString()}::timestamptz` : sql``}`,
    )) as unknown as { rows: { s: string }[] };
    return BigInt(rows[0]!.s);
  }

  /**
   * `CLIENTS` clients (half on each instance) send requests one after another; once the new limit is saved each
   * stops after three refusals in a row of requests sent after the save.
   */
  function startLoad(secret: string) {
    let savedAt = Infinity;
    const results: { sent: number; status: number; code?: string }[] = [];
    const deadline = Date.now() + 60_000;
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      let refusedInRow = 0;
      for (let i = 0; refusedInRow < 3 && Date.now() < deadline; i++) {
        const sent = Date.now();
        const r = await chat(instances[c % 2]!.url, secret, c * 100_000 + i);
        results.push({ sent, status: r.status, code: r.body.error?.code });
        if (r.status === 200) refusedInRow = 0;
        else if (sent > savedAt) refusedInRow++;
      }
    });
    return {
      results,
      saved(at: number) {
        savedAt = at;
      },
      done: () => Promise.all(clients),
    };
  }

  interface Scenario {
    secret: string;
    accountId: string;
    /** The limit's counter: the account's or the key's. */
    scopeId: string;
    metric: string;
    unit: bigint;
    /**
     * Change the limit: by default in one transaction that locks the account, reads the counter and sets the
     * limit to what it holds plus `ROOM` units (`change`), then waits as every save does; or as `save` does.
     */
    change?: (limit: bigint) => SQL;
    save?: (counter: { used: bigint; reserved: bigint }, rate: number) => Promise<bigint>;
  }

  /** Far from the limit with leases active on both instances, lower it under load; the load goes on until it is refused everywhere. */
  async function lowerUnderLoad(o: Scenario) {
    const leasedBefore = await leasedAdmissions();
    const load = startLoad(o.secret);
    // Far from the limit, admitted against leases.
    await expect
      .poll(async () => (await counter(o.scopeId, o.metric)).used >= (OLD / 10n) * o.unit && (await leasedAdmissions()) - leasedBefore >= 50, { timeout: 30_000, interval: 20 })
      .toBe(true);
    const before = (await readLeases({ accountId: o.accountId })).filter((l) => !l.draining && l.amount > 0n);
    expect(before.some((l) => l.scopeId === o.scopeId && l.metric === o.metric)).toBe(true);
    const rate = load.results.filter((r) => r.sent > Date.now() - 1_000).length;
    const started = Date.now();
    let at: { used: bigint; reserved: bigint };
    let limit: bigint;
    if (o.save) {
      at = await counter(o.scopeId, o.metric);
      limit = await o.save(at, rate);
    } else {
      const db = await getDb();
      ({ at, limit } = await db.transaction(async (tx) => {
        // Every change to the account's counters (its keys' too) happens under this lock: they hold still until the commit.
        await tx.execute(sql`select 1 from account_balances where account_id = ${o.accountId} for update`);
        const state = asCounter(await tx.execute(counterSql(o.scopeId, o.metric)));
        const value = state.used + state.reserved + ROOM * o.unit;
        await tx.execute(o.change!(value));
        return { at: state, limit: value };
      }));
      await limitsApplied();
    }
    const savedAt = Date.now();
    load.saved(savedAt);
    // Every lease taken before the change is given back (or, with requests still drawing on it, drained) by then.
    const open = new Set((await readLeases({ accountId: o.accountId })).filter((l) => !l.draining).map((l) => l.id));
    const stillOpen = before.filter((l) => open.has(l.id)).length;
    expect(limit).toBeLessThan(OLD * o.unit);
    await load.done();
    // Idle: every lease given back, everything written.
    await expect.poll(async () => (await readLeases({ accountId: o.accountId })).length, { timeout: 5_000 }).toBe(0);
    await expect.poll(async () => (await counter(o.scopeId, o.metric)).reserved, { timeout: 5_000 }).toBe(0n);
    const final = await counter(o.scopeId, o.metric);
    const ok = load.results.filter((r) => r.status === 200);
    const refused = load.results.filter((r) => r.status !== 200);
    const figures = {
      metric: o.metric,
      unit: o.unit.toString(),
      ratePerSecond: rate,
      usedAtChange: at.used.toString(),
      reservedAtChange: at.reserved.toString(),
      leasesBefore: before.length,
      leasesBeforeStillOpenAtReturn: stillOpen,
      newLimit: limit.toString(),
      final: final.used.toString(),
      overBy: (final.used - limit).toString(),
      saveMs: savedAt - started,
      answered: ok.length,
      answeredSentAfterSave: ok.filter((r) => r.sent > savedAt).length,
      // Requests that started after the save returned were admitted after it.
      spentNanosByRequestsStartedAfterSave: (await ledger(o.accountId, o.scopeId === o.accountId ? undefined : o.scopeId, new Date(savedAt))).toString(),
      refused: refused.length,
    };
    console.log("lowered under load:", JSON.stringify(figures));
    return { limit, final: final.used, refused, stillOpen, answeredAfterSave: figures.answeredSentAfterSave };
  }

  it("an account's monthly budget lowered under load is never overspent once saved", async () => {
    const t = await createTenant({ tier: "Lowered budget" });
    await setMonthlyBudget({ account: t.account.name, monthly: formatEuros(OLD * COST, 9) });
    const r = await lowerUnderLoad({
      secret: t.secret,
      accountId: t.account.id,
      scopeId: t.account.id,
      metric: "spend_month",
      unit: COST,
      change: (limit) => sql`update accounts set monthly_budget_nanos = ${limit.toString()}::bigint where id = ${t.account.id}`,
    });
    expect(r.final).toBeLessThanOrEqual(r.limit);
    // Filled: what is left cannot hold one more request.
    expect(r.final).toBeGreaterThan(r.limit - COST);
    expect(r.stillOpen).toBe(0);
    expect(await ledger(t.account.id)).toBe(r.final);
    expect(new Set(r.refused.map((x) => `${x.status} ${x.code}`))).toEqual(new Set(["429 monthly_budget_exceeded"]));
  }, 90_000);

  it("a key's own monthly budget lowered under load is never overspent once saved", async () => {
    const t = await createTenant({ tier: "Lowered budget" });
    await setKeyLimits({ id: t.key.id, scope: "platform", monthlyBudget: formatEuros(OLD * COST, 9) });
    const r = await lowerUnderLoad({
      secret: t.secret,
      accountId: t.account.id,
      scopeId: t.key.id,
      metric: "spend_month",
      unit: COST,
      change: (limit) => sql`update api_keys set monthly_budget_nanos = ${limit.toString()}::bigint, changed_at = now() where id = ${t.key.id}`,
    });
    expect(r.final).toBeLessThanOrEqual(r.limit);
    expect(r.final).toBeGreaterThan(r.limit - COST);
    expect(r.stillOpen).toBe(0);
    expect(await ledger(t.account.id, t.key.id)).toBe(r.final);
    expect(new Set(r.refused.map((x) => `${x.status} ${x.code}`))).toEqual(new Set(["429 monthly_budget_exceeded"]));
  }, 90_000);

  it("a tier's output tokens per hour lowered under load are never exceeded once saved", async () => {
    const t = await createTenant({ tier: "Lowered hourly" });
    const r = await lowerUnderLoad({
      secret: t.secret,
      accountId: t.account.id,
      scopeId: t.account.id,
      metric: "output_tokens_hour",
      unit: BigInt(TOKENS),
      change: (limit) => sql`update tiers set output_tokens_per_hour = ${limit.toString()}::bigint where name = 'Lowered hourly'`,
    });
    expect(r.final).toBeLessThanOrEqual(r.limit);
    expect(r.final).toBeGreaterThan(r.limit - BigInt(TOKENS));
    expect(r.stillOpen).toBe(0);
    expect(new Set(r.refused.map((x) => `${x.status} ${x.code}`))).toEqual(new Set(["429 rate_limit_exceeded"]));
  }, 90_000);

  it("the console's and the CLI's save returns once both instances have applied the new budget, and it is filled exactly after", async () => {
    const t = await createTenant({ tier: "Lowered budget" });
    await setMonthlyBudget({ account: t.account.name, monthly: formatEuros(OLD * COST, 9) });
    let version = 0;
    const r = await lowerUnderLoad({
      secret: t.secret,
      accountId: t.account.id,
      scopeId: t.account.id,
      metric: "spend_month",
      unit: COST,
      // What is used and reserved as read just before, plus room for a second of requests (those admitted while
      // the save waits for the instances count before it) and a few more, well under the old budget.
      save: async (at, rate) => {
        const room = BigInt(rate) + 20n;
        const limit = at.used + at.reserved + (room < OLD / 4n ? room : OLD / 4n) * COST;
        await setMonthlyBudget({ account: t.account.name, monthly: formatEuros(limit, 9) });
        version = await readConfigVersion("limits");
        return limit;
      },
    });
    const db = await getDb();
    const { rows } = (await db.execute(sql`select limits_seen from gateway_instances`)) as unknown as { rows: { limits_seen: string | number }[] };
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(Number(row.limits_seen)).toBeGreaterThanOrEqual(version);
    expect(r.stillOpen).toBe(0);
    expect(r.final).toBeLessThanOrEqual(r.limit);
    expect(r.final).toBeGreaterThan(r.limit - COST);
    expect(r.answeredAfterSave).toBeGreaterThan(0);
  }, 90_000);
});
