import { sql } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { insertPrice } from "@/db/queries/prices";
import { findUsageByRequestIdForPlatform } from "@/db/queries/usage";
import { setMonthlyBudget } from "@/lib/accounts";
import { addCredit } from "@/lib/billing/credit";
import { PriceBook } from "@/lib/billing/prices";
import { monthStatement } from "@/lib/billing/statement";
import { setKeyLimits } from "@/lib/keys/manage";
import { DbLimiter } from "@/lib/limits/limiter";
import { createTier } from "@/lib/limits/tiers";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

describeEachDriver("limits and billing", (driver) => {
  let fake: FakeBackend;
  let server: TestServer;
  let clock = new Date("2026-05-31T22:10:00Z");
  let prices: PriceBook;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "lim" });
    await registerBackend("lim", fake.url, [
      { id: "m", upstream: "echo" },
      { id: "free-input", upstream: "echo" },
      { id: "slow", upstream: "slow" },
      { id: "reasoner", upstream: "reasoner" },
    ]);
    // Output-only pricing for "free-input" makes a request's cost exactly predictable.
    await insertPrice({ modelId: "free-input", unit: "input_token", nanosPerUnit: 0n, effectiveFrom: new Date("2000-01-01") });
    await createTier({ name: "Small", outputTokensPerHour: 100, outputTokensPerDay: 250, monthlyLimit: "1", requestsPerMinute: 1000, postpaid: true });
    await createTier({ name: "Few requests", requestsPerMinute: 3, postpaid: true });
    prices = new PriceBook(100);
    const limiter = new DbLimiter({ prices, timezone: "UTC", now: () => clock, accountTtlMs: 0 });
    server = await startGatewayServer({ limiter, prices });
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const clientFor = (secret: string) => new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
  const chat = (secret: string, body: Record<string, unknown>) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], ...body }),
    });
  const settled = async () => {
    await server.runtime.gateway.idle();
    await server.runtime.gateway.options.recorder.flush();
  };

  it("enforces sliding hourly and daily output-token windows, with headers that agree", async () => {
    const unix = (iso: string) => String(Date.parse(iso) / 1000);
    const at = (iso: string) => {
      clock = new Date(iso);
    };
    at("2026-05-31T22:10:00Z");
    const t = await createTenant({ tier: "Small" });
    let res = await chat(t.secret, { model: "m", max_tokens: 40, fake: { tokens: 40 } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-limit-tokens")).toBe("100");
    expect(res.headers.get("x-ratelimit-remaining-tokens")).toBe("60");
    // Tokens of the 22:10 minute count until the hour after that minute is over.
    expect(res.headers.get("x-ratelimit-reset-tokens")).toBe(unix("2026-05-31T23:11:00Z"));
    expect(res.headers.get("x-ratelimit-limit-tokens-day")).toBe("250");
    expect(res.headers.get("x-ratelimit-limit-requests")).toBe("1000");
    expect(res.headers.get("x-ratelimit-remaining-requests")).toBe("999");
    await settled();
    // The answer used 10 of the 40 reserved: the rest is given back.
    at("2026-05-31T22:20:00Z");
    res = await chat(t.secret, { model: "m", max_tokens: 40, fake: { tokens: 10 } });
    expect(res.headers.get("x-ratelimit-remaining-tokens")).toBe("20");
    expect(res.headers.get("x-ratelimit-reset-tokens")).toBe(unix("2026-05-31T23:11:00Z"));
    await settled();
    at("2026-05-31T22:30:00Z");
    res = await chat(t.secret, { model: "m", max_tokens: 50, fake: { tokens: 50 } });
    expect(res.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
    await settled();

    // 40 + 10 + 50 = 100 in the last hour: a request reserving even one token is refused
    // until the 40 tokens of 22:10 leave the window.
    at("2026-05-31T22:40:00Z");
    res = await chat(t.secret, { model: "m", max_tokens: 1 });
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({
      error: { message: "Rate limit exceeded. Please upgrade your tier or try again later.", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" },
    });
    expect(res.headers.get("retry-after")).toBe(String(31 * 60));
    expect(res.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
    const models = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${t.secret}` } });
    expect(models.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
    expect(models.headers.get("x-ratelimit-reset-tokens")).toBe(unix("2026-05-31T23:11:00Z"));

    // A calendar hour would have started afresh at 23:00; the last hour still holds 100.
    at("2026-05-31T23:05:00Z");
    expect((await chat(t.secret, { model: "m", max_tokens: 1 })).status).toBe(429);
    at("2026-05-31T23:11:00Z");
    res = await chat(t.secret, { model: "m", max_tokens: 40, fake: { tokens: 40 } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
    expect(res.headers.get("x-ratelimit-reset-tokens")).toBe(unix("2026-05-31T23:21:00Z"));
    expect(res.headers.get("x-ratelimit-remaining-tokens-day")).toBe("110");
    await settled();

    // Next morning the hour is empty; the last 24 hours hold 140 + 100.
    at("2026-06-01T10:00:00Z");
    res = await chat(t.secret, { model: "m", max_tokens: 100, fake: { tokens: 100 } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
    expect(res.headers.get("x-ratelimit-remaining-tokens-day")).toBe("10");
    await settled();
    // A calendar day would count only today's 100; the last 24 hours refuse 60 more
    // until 50 tokens have left them: the 22:10 and 22:20 requests, whose quarter hours end 24 h later.
    at("2026-06-01T11:30:00Z");
    res = await chat(t.secret, { model: "m", max_tokens: 60 });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe(String(11 * 3600));
    at("2026-06-01T22:30:00Z");
    res = await chat(t.secret, { model: "m", max_tokens: 60, fake: { tokens: 5 } });
    expect(res.status).toBe(200);
    await settled();
  });

  it("prunes the buckets no window counts any more, and nothing a window still needs", async () => {
    const t = await createTenant({ tier: "Small" });
    const db = await getDb();
    const rows = [
      ["output_tokens_hour", "2026-01-03T07:59:00Z", 0],
      ["output_tokens_hour", "2026-01-03T08:00:00Z", 0],
      ["output_tokens_hour", "2026-01-03T10:00:00Z", 0],
      ["requests_minute", "2026-01-03T09:57:55Z", 0],
      ["requests_minute", "2026-01-03T10:00:00Z", 0],
      ["output_tokens_day", "2025-12-30T00:00:00Z", 5], // still reserved by a request in flight
      ["output_tokens_day", "2026-01-01T09:45:00Z", 0],
      ["output_tokens_day", "2026-01-01T10:00:00Z", 0],
      ["output_tokens_day", "2026-01-03T10:00:00Z", 0],
      ["spend_month", "2025-06-01T00:00:00Z", 0],
      ["spend_month", "2026-01-01T00:00:00Z", 0],
    ] as const;
    for (const [metric, start, reserved] of rows)
      await db.execute(sql`insert into limit_counters (scope_id, metric, window_start, used, reserved) values (${t.account.id}, ${metric}, ${start}::timestamptz, 7, ${reserved})`);
    // Failed sign-ins are kept a day.
    await db.execute(sql`insert into limit_counters (scope_id, metric, window_start, used) values
      (${t.account.id}, 'login_failures', now() - interval '25 hours', 3), (${t.account.id}, 'login_failures', now() - interval '1 hour', 2)`);
    const { pruneOldBuckets } = await import("@/lib/limits/sweeper");
    if (driver === "postgres") {
      // While another instance prunes, this one skips its round instead of waiting.
      await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(727276)`);
        const { pruneBuckets } = await import("@/db/queries/limits");
        expect(await pruneBuckets([{ metric: "output_tokens_hour", keepMs: 1 }])).toBe(0);
      });
    }
    expect(await pruneOldBuckets()).toBeGreaterThanOrEqual(1);
    const logins = (await db.execute(
      sql`select used::int from limit_counters where scope_id = ${t.account.id} and metric = 'login_failures'`,
    )) as unknown as { rows: { used: number }[] };
    expect(logins.rows).toEqual([{ used: 2 }]);
    const left = (await db.execute(
      sql`select metric, to_char(window_start at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at from limit_counters
        where scope_id = ${t.account.id} and metric <> 'login_failures' order by metric, window_start`,
    )) as unknown as { rows: { metric: string; at: string }[] };
    expect(left.rows).toEqual([
      { metric: "output_tokens_day", at: "2025-12-30 00:00" },
      { metric: "output_tokens_day", at: "2026-01-01 10:00" },
      { metric: "output_tokens_day", at: "2026-01-03 10:00" },
      { metric: "output_tokens_hour", at: "2026-01-03 08:00" },
      { metric: "output_tokens_hour", at: "2026-01-03 10:00" },
      { metric: "requests_minute", at: "2026-01-03 10:00" },
      { metric: "spend_month", at: "2025-06-01 00:00" },
      { metric: "spend_month", at: "2026-01-01 00:00" },
    ]);
  });

  it("counts reasoning tokens as output tokens", async () => {
    clock = new Date("2026-07-01T10:00:00Z");
    const t = await createTenant({ tier: "Small" });
    const res = await chat(t.secret, { model: "reasoner", max_tokens: 50, fake: { tokens: 5 } });
    expect(res.status).toBe(200);
    await settled();
    const next = await chat(t.secret, { model: "m", max_tokens: 1 });
    // 5 answer tokens + 4 reasoning tokens used, 1 reserved now.
    expect(next.headers.get("x-ratelimit-remaining-tokens")).toBe(String(100 - 9 - 1));
  });

  it("limits requests in the last minute", async () => {
    clock = new Date("2026-07-01T10:00:30Z");
    const t = await createTenant({ tier: "Few requests" });
    for (let i = 0; i < 3; i++) expect((await chat(t.secret, { model: "m" })).status).toBe(200);
    const res = await chat(t.secret, { model: "m" });
    expect(res.status).toBe(429);
    expect(res.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    // Requests count in 5-second buckets for the minute after theirs.
    expect(res.headers.get("retry-after")).toBe("65");
    expect(res.headers.get("x-ratelimit-reset-requests")).toBe(String(Date.parse("2026-07-01T10:01:35Z") / 1000));
    // No fresh calendar minute: the three requests still count.
    clock = new Date("2026-07-01T10:01:00Z");
    expect((await chat(t.secret, { model: "m" })).status).toBe(429);
    clock = new Date("2026-07-01T10:01:35Z");
    expect((await chat(t.secret, { model: "m" })).status).toBe(200);
  });

  it("refuses a prepaid tier until its purchase credit is bought, then draws the balance down", async () => {
    clock = new Date("2026-07-02T10:00:00Z");
    const t = await createTenant({ tier: "Tier 1" });
    let res = await chat(t.secret, { model: "m" });
    expect(res.status).toBe(429);
    const body = await res.json();
    expect(body.error.code).toBe("insufficient_quota");
    expect(body.error.message).toContain("Tier 1 requires a purchase credit of 200.00 €");
    await addCredit({ account: t.account.name, amount: "200" });
    const client = clientFor(t.secret);
    const r = await client.chat.completions.create({ model: "free-input", messages: [{ role: "user", content: "x" }], max_tokens: 10, fake: { tokens: 10 } } as never);
    await settled();
    const [row] = await findUsageByRequestIdForPlatform({ requestId: r.id });
    expect(row!.costNanos).toBe(80_000n);
    const { readBalance } = await import("@/db/queries/limits");
    expect(await readBalance({ accountId: t.account.id })).toMatchObject({ balanceNanos: 200_000_000_000n - 80_000n, reservedNanos: 0n, purchasedNanos: 200_000_000_000n });
  });

  it("refuses what the prepaid balance cannot cover", async () => {
    clock = new Date("2026-07-03T10:00:00Z");
    await createTier({ name: "Prepaid nano", postpaid: false, purchaseCredit: "0.0001" });
    const t = await createTenant({ tier: "Prepaid nano" });
    await addCredit({ account: t.account.name, amount: "0.00024" }); // 240,000 n€: three answers of 10 output tokens
    for (let i = 0; i < 3; i++) {
      expect((await chat(t.secret, { model: "free-input", max_tokens: 10, fake: { tokens: 10 } })).status).toBe(200);
      await settled();
    }
    const res = await chat(t.secret, { model: "free-input", max_tokens: 10 });
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe("insufficient_quota");
  });

  it("caps month-to-date spend at the tier's limit or the account's own, and key budgets", async () => {
    clock = new Date("2026-08-31T23:00:00Z");
    await createTier({ name: "Budget", postpaid: true, monthlyLimit: "0.0002" }); // 200,000 n€
    const t = await createTenant({ tier: "Budget" });
    expect((await chat(t.secret, { model: "free-input", max_tokens: 10, fake: { tokens: 10 } })).status).toBe(200); // 80,000
    await settled();
    expect((await chat(t.secret, { model: "free-input", max_tokens: 10, fake: { tokens: 10 } })).status).toBe(200); // 160,000
    await settled();
    let res = await chat(t.secret, { model: "free-input", max_tokens: 10 });
    expect(res.status).toBe(429);
    const body = await res.json();
    expect(body.error.code).toBe("monthly_budget_exceeded");
    expect(res.headers.get("retry-after")).toBe("3600");
    // A new calendar month starts a new budget.
    clock = new Date("2026-09-01T00:00:00Z");
    expect((await chat(t.secret, { model: "free-input", max_tokens: 10, fake: { tokens: 10 } })).status).toBe(200);
    await settled();
    // The account's own lower cap.
    await setMonthlyBudget({ account: t.account.name, monthly: "0.0001" });
    res = await chat(t.secret, { model: "free-input", max_tokens: 10 });
    expect((await res.json()).error.code).toBe("monthly_budget_exceeded");
    await setMonthlyBudget({ account: t.account.name, monthly: null });
    // A key's own budget.
    // The key spent 80,000 n€ this month already: 80,000 + 8,000 > 85,000.
    await setKeyLimits({ id: t.key.id, scope: "platform", monthlyBudget: "0.000085" });
    expect((await chat(t.secret, { model: "free-input", max_tokens: 1 })).status).toBe(429);
    // Half an hour on, the key's last hour holds the 10 tokens of midnight.
    clock = new Date("2026-09-01T00:30:00Z");
    await setKeyLimits({ id: t.key.id, scope: "platform", monthlyBudget: null, outputTokensPerHour: 15 });
    expect((await chat(t.secret, { model: "free-input", max_tokens: 6 })).status).toBe(429);
    expect((await chat(t.secret, { model: "free-input", max_tokens: 5 })).status).toBe(200);
  });

  it("bills a stream cut by the client for the tokens it delivered", async () => {
    clock = new Date("2026-10-01T10:00:00Z");
    const t = await createTenant();
    for (const cut of [1, 7, 23]) {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "free-input", messages: [{ role: "user", content: "x" }], stream: true, max_tokens: 500, fake: { tokens: 300, delayMs: 10 } }),
        signal: controller.signal,
      });
      const id = res.headers.get("id")!;
      const reader = res.body!.getReader();
      let seen = 0;
      let buffer = "";
      while (seen < cut) {
        buffer += new TextDecoder().decode((await reader.read()).value);
        seen = (buffer.match(/"content":"[^"]+"/g) ?? []).length;
      }
      controller.abort();
      await expect.poll(async () => (await settled(), (await findUsageByRequestIdForPlatform({ requestId: id }))[0]), { timeout: 3000 }).toBeDefined();
      const [row] = await findUsageByRequestIdForPlatform({ requestId: id });
      expect(row!.clientAborted).toBe(true);
      expect(row!.completionTokens).toBeGreaterThanOrEqual(seen);
      expect(row!.completionTokens).toBeLessThanOrEqual(seen + 3);
      expect(row!.costNanos).toBe(BigInt(row!.completionTokens) * 8000n);
    }
  });

  it("applies a price change to new requests only, and the ledger equals usage × price", async () => {
    clock = new Date();
    const t = await createTenant();
    const body = { model: "free-input", messages: [{ role: "user", content: "x" }], stream: true, max_tokens: 40, fake: { tokens: 30, delayMs: 20 } };
    const before = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    // While that request runs, output gets more expensive.
    await insertPrice({ modelId: "free-input", unit: "output_token", nanosPerUnit: 20_000n, effectiveFrom: new Date() });
    await prices.refresh();
    clock = new Date();
    const after = await chat(t.secret, { model: "free-input", max_tokens: 10, fake: { tokens: 10 } });
    await before.text();
    await settled();
    const [b] = await findUsageByRequestIdForPlatform({ requestId: before.headers.get("id")! });
    const [a] = await findUsageByRequestIdForPlatform({ requestId: after.headers.get("id")! });
    expect(b!.costNanos).toBe(30n * 8000n);
    expect(a!.costNanos).toBe(10n * 20_000n);

    const statement = await monthStatement({ accountId: t.account.id, month: new Date(), timezone: "UTC" });
    let fromDetails = 0n;
    for (const e of statement.entries.filter((x) => x.kind === "usage")) {
      const d = e.details as { quantities: Record<string, string>; unit_prices_nanos: Record<string, string> };
      let sum = 0n;
      for (const [unit, q] of Object.entries(d.quantities)) sum += BigInt(q) * BigInt(d.unit_prices_nanos[unit]!);
      expect(-e.amountNanos).toBe(sum);
      fromDetails += sum;
    }
    expect(statement.totals.usageNanos).toBe(fromDetails);
    const db = await getDb();
    const { rows } = (await db.execute(sql`select coalesce(sum(cost_nanos),0)::text as s from usage_events where account_id = ${t.account.id}`)) as unknown as { rows: { s: string }[] };
    expect(BigInt(rows[0]!.s)).toBe(fromDetails);
    const roll = (await db.execute(sql`select coalesce(sum(cost_nanos),0)::text as s, sum(requests)::int as n from usage_hourly where account_id = ${t.account.id}`)) as unknown as {
      rows: { s: string; n: number }[];
    };
    expect(BigInt(roll.rows[0]!.s)).toBe(fromDetails);
    expect(roll.rows[0]!.n).toBe(2);
  });

  it("puts rate-limit headers on every /v1 response of a known key", async () => {
    const t = await createTenant({ tier: "Small" });
    const bad = await chat(t.secret, { model: "m", temperature: 5 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-ratelimit-limit-requests")).toBe("1000");
    expect(bad.headers.get("x-ratelimit-limit-tokens")).toBe("100");
  });
});
