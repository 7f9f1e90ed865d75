import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type * as Limits from "@/db/queries/limits";
import { insertPrice } from "@/db/queries/prices";
import { createTier } from "@/lib/limits/tiers";
import { PriceBook } from "@/lib/billing/prices";
import { DbLimiter } from "@/lib/limits/limiter";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

/*
 * X-RateLimit-Remaining while an account starts leasing, with the database
 * calls of one instance answered out of order: a lease granted in the database
 * before a reservation of the same account, whose answer reaches the instance
 * only after the reservation's (or granted after it, and applied here before
 * the reservation's answer is read); and across the end of a bucket, whose
 * leases are closed here and given back while others are granted. Every
 * answer's remaining counts every request answered and the request itself,
 * and no more than the other requests of its round: a lease of the instance's
 * own is neither counted as used nor counted twice as room.
 */

const hooks = vi.hoisted(() => ({
  reserve: null as null | ((run: () => Promise<unknown>) => Promise<unknown>),
  lease: null as null | ((run: () => Promise<unknown>) => Promise<unknown>),
}));

vi.mock("@/db/queries/limits", async (importOriginal) => {
  const real = await importOriginal<typeof Limits>();
  return {
    ...real,
    reserveLimits: (input: Limits.ReserveInput) => (hooks.reserve ? hooks.reserve(() => real.reserveLimits(input)) : real.reserveLimits(input)),
    leaseLimits: (input: Parameters<typeof real.leaseLimits>[0]) => {
      const grants = input.ops.some((o) => o.op === "grant" && o.want > 0n);
      return hooks.lease && grants ? hooks.lease(() => real.leaseLimits(input)) : real.leaseLimits(input);
    },
  };
});

const TOKENS = 1_000;
const LIMIT = 150 * TOKENS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
/** Wait for `p`, at most `ms` (a hook that is not reached leaves the requests to run as they come). */
const within = (p: Promise<unknown>, ms = 3_000) => Promise.race([p, sleep(ms)]);

describeEachDriver("rate-limit headers while leases are granted out of order", () => {
  let fake: FakeBackend;
  let server: TestServer;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "lease-headers" });
    await registerBackend("lease-headers", fake.url, [{ id: "lease-headers-m", upstream: "echo" }]);
    await insertPrice({ modelId: "lease-headers-m", unit: "input_token", nanosPerUnit: 0n, effectiveFrom: new Date("2000-01-01") });
    await createTier({ name: "Lease headers", postpaid: true, outputTokensPerHour: LIMIT, requestsPerMinute: 100_000 });
    const prices = new PriceBook(200);
    server = await startGatewayServer({ limiter: new DbLimiter({ prices, timezone: "UTC", heartbeatMs: 300 }), prices });
  });

  afterAll(async () => {
    hooks.reserve = null;
    hooks.lease = null;
    await server.close();
    await fake.close();
  });

  const chat = (secret: string, url = server.url) =>
    fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "lease-headers-m", messages: [{ role: "user", content: "hi" }], max_tokens: TOKENS, fake: { tokens: TOKENS } }),
    });

  /**
   * Rounds of 4 requests at once, the first with `hook` installed (it says afterwards whether its order was
   * played: true); every answer's remaining tokens within bounds.
   */
  async function rounds(hook: () => () => boolean, n = 12, url = server.url, before: (round: number) => void = () => {}) {
    const t = await createTenant({ tier: "Lease headers" });
    let answered = 0;
    const seen: number[] = [];
    const wrong: { round: number; answered: number; remaining: number }[] = [];
    let played = () => false;
    for (let round = 0; round < n; round++) {
      before(round);
      if (round === 0) played = hook();
      const results = await Promise.all(Array.from({ length: 4 }, () => chat(t.secret, url)));
      hooks.reserve = null;
      hooks.lease = null;
      if (round === 0) expect(played()).toBe(true);
      for (const res of results) {
        expect(res.status).toBe(200);
        const remaining = Number(res.headers.get("x-ratelimit-remaining-tokens"));
        seen.push(remaining);
        // Counts every request answered and this one, and at most the other requests of the round besides.
        if (remaining > LIMIT - (answered + 1) * TOKENS || remaining < LIMIT - (answered + 4) * TOKENS) wrong.push({ round, answered, remaining });
        await res.text();
      }
      answered += 4;
    }
    expect(wrong).toEqual([]);
    return seen;
  }

  it("a lease granted before a reservation, applied here after the reservation's answer", async () => {
    await rounds(() => {
      const committed = deferred();
      const waiting: Promise<unknown>[] = [];
      let granted = false;
      // The round's reservations in the database wait until the lease is granted (committed)...
      hooks.reserve = (run) => {
        const p = within(committed.promise).then(run);
        waiting.push(p);
        return p;
      };
      // ...and the lease's answer is held until theirs have been read.
      hooks.lease = async (run) => {
        hooks.lease = null;
        const r = await run();
        granted = waiting.length > 0;
        committed.resolve();
        await within(Promise.allSettled(waiting));
        await sleep(30);
        return r;
      };
      return () => granted;
    });
  }, 60_000);

  it("a lease granted after a reservation, applied here before the reservation's answer", async () => {
    await rounds(() => {
      const reserved = deferred();
      const applied = deferred();
      let first = true;
      let committed = false;
      let inOrder = false;
      // The round's first reservation in the database commits, then its answer waits until the lease is applied...
      hooks.reserve = async (run) => {
        if (!first) return run();
        first = false;
        const r = await run();
        committed = true;
        reserved.resolve();
        await within(applied.promise);
        return r;
      };
      // ...which is granted after it.
      hooks.lease = async (run) => {
        hooks.lease = null;
        await within(reserved.promise);
        inOrder = committed;
        const r = await run();
        setTimeout(applied.resolve, 30);
        return r;
      };
      return () => inOrder;
    });
  }, 60_000);

  it("across the end of a bucket: the leases of the bucket over are given back, the next one's were taken before it began", async () => {
    // A clock set to the end of a minute (the hourly window's bucket): well before it, then just before it (the next
    // bucket's lease is taken), then just after it (the leases of the bucket over are closed and given back).
    const end = Math.ceil((Date.now() + 60_000) / 60_000) * 60_000;
    let shift = end - 20_000 - Date.now();
    const prices = new PriceBook(200);
    const other = await startGatewayServer({ limiter: new DbLimiter({ prices, timezone: "UTC", heartbeatMs: 300, now: () => new Date(Date.now() + shift) }), prices });
    try {
      await rounds(() => () => true, 16, other.url, (round) => {
        if (round === 5) shift = end - 300 - Date.now();
        if (round === 7) shift = end + 5 - Date.now();
      });
    } finally {
      await other.close();
    }
  }, 60_000);
});
