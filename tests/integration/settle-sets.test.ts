import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Db, getDb } from "@/db/client";
import { findAccountById } from "@/db/queries/accounts";
import { type DeferredSettlement, leaseLimits, readLeases, settleBatch } from "@/db/queries/limits";
import { DbLimiter } from "@/lib/limits/limiter";
import { PriceBook } from "@/lib/billing/prices";
import { createTier } from "@/lib/limits/tiers";
import { describeEachDriver } from "@/tests/support/databases";
import { createTenant, reserveForTenant } from "@/tests/support/gateway";

/*
 * A batch of settlements updates each row it touches once, with the sums of
 * its requests (drizzle/0020_settle_in_sets.sql). These check that the result
 * is what settling the requests one by one gives: counters, leases, balance
 * and ledger; that a batch written again settles nothing; and that a request
 * twice in one batch is settled once.
 */

const HOUR_LIMIT = 1_000_000n;

describeEachDriver("settling in sets", () => {
  let instanceId: string;
  let limiter: DbLimiter;

  beforeAll(async () => {
    await createTier({ name: "Settle sets", postpaid: true, outputTokensPerHour: Number(HOUR_LIMIT), requestsPerMinute: 100_000 });
    // An instance that beats, so its leases are its own.
    limiter = new DbLimiter({ prices: new PriceBook(200), timezone: "UTC", heartbeatMs: 200 });
    limiter.start();
    instanceId = limiter.instanceId;
    await new Promise((r) => setTimeout(r, 500));
  });

  afterAll(() => limiter.stop());

  const hour = () => {
    const d = new Date();
    d.setUTCMinutes(0, 0, 0);
    return d;
  };

  const state = async (accountId: string) => {
    const db = await getDb();
    const one = async (q: ReturnType<typeof sql>) => ((await db.execute(q)) as unknown as { rows: Record<string, string>[] }).rows[0]!;
    const counters = await one(sql`select coalesce(sum(used), 0)::text as used, coalesce(sum(reserved), 0)::text as reserved
      from limit_counters where scope_id = ${accountId}::uuid and metric = 'output_tokens_hour'`);
    const balance = await one(sql`select balance_nanos::text as balance from account_balances where account_id = ${accountId}::uuid`);
    const ledger = await one(sql`select count(*)::int as n, coalesce(sum(amount_nanos), 0)::text as sum from ledger_entries where account_id = ${accountId}::uuid and kind = 'usage'`);
    const reservations = await one(sql`select count(*)::int as n from reservations where account_id = ${accountId}::uuid`);
    return {
      used: BigInt(counters.used!),
      reserved: BigInt(counters.reserved!),
      balance: BigInt(balance.balance!),
      ledgerRows: Number(ledger.n),
      ledgerSum: BigInt(ledger.sum!),
      reservations: Number(reservations.n),
    };
  };

  const versionsOf = async (accountId: string) => {
    const found = (await findAccountById({ id: accountId }))!;
    return { account: found.account.limitsVersion, tier: found.tier.limitsVersion };
  };

  const inTransaction = async <T>(f: (db: Db) => Promise<T>) => {
    const db = await getDb();
    return db.transaction(async (tx) => f(tx as unknown as Db));
  };

  it("settles many requests drawn on one lease as one by one would, once, and each request once", async () => {
    const t = await createTenant({ tier: "Settle sets" });
    const leaseId = randomUUID();
    const windowStart = hour();
    const [grant] = await leaseLimits({
      accountId: t.account.id,
      instanceId,
      activationNanos: null,
      versions: await versionsOf(t.account.id),
      ops: [{ op: "grant", id: leaseId, new: true, scopeId: t.account.id, metric: "output_tokens_hour", windowStart, limit: HOUR_LIMIT, want: 10_000n, min: 1n, share: 4 }],
    });
    expect(grant).toMatchObject({ granted: 10_000n });
    const before = await state(t.account.id);
    expect(before.reserved).toBe(10_000n);

    // 40 requests, each drew 100 tokens from the lease and used 30 of them; 10 of them went back to a closed lease whole.
    const items: DeferredSettlement[] = Array.from({ length: 40 }, (_, n) => {
      const usageEventId = randomUUID();
      const closed = n < 10;
      return {
        reservationId: randomUUID(),
        accountId: t.account.id,
        actual: { output_tokens_hour: 30n },
        costNanos: 30n * 8_000n,
        ledger: { keyId: t.key.id, modelId: "m", usageEventId, at: new Date().toISOString(), details: { n } },
        leased: {
          usageEventId,
          eventAt: new Date(Date.now() - n).toISOString(),
          holds: [{ leaseId, scopeId: t.account.id, metric: "output_tokens_hour", windowStart: windowStart.toISOString(), used: 30n, back: closed ? 100n : 30n }],
        },
      };
    });
    // The 41st is the 1st again (a journal line written twice).
    const settled = await inTransaction((db) => settleBatch(db, [...items, items[0]!]));
    expect(settled.filter(Boolean)).toHaveLength(40);
    expect(settled[40]).toBe(false);

    const after = await state(t.account.id);
    // Each request's use is counted once; the lease shrank by what went back to the counter (30 × 30 + 10 × 100).
    expect(after.used - before.used).toBe(40n * 30n);
    const given = 30n * 30n + 10n * 100n;
    expect(after.reserved).toBe(10_000n - given);
    const [lease] = (await readLeases({ accountId: t.account.id })).filter((l) => l.id === leaseId);
    expect(lease!.amount).toBe(10_000n - given);
    expect(after.balance - before.balance).toBe(-40n * 30n * 8_000n);
    expect(after.ledgerRows - before.ledgerRows).toBe(40);
    expect(after.ledgerSum - before.ledgerSum).toBe(-40n * 30n * 8_000n);

    // Their usage events written (as the recorder does in the same transaction), the same batch again settles nothing.
    const db = await getDb();
    for (const i of items) {
      await db.execute(sql`insert into usage_events (id, request_id, account_id, endpoint, status, prompt_tokens, completion_tokens, reasoning_tokens, units, cost_nanos, latency_ms, streamed, client_aborted, estimated, created_at)
        values (${i.leased!.usageEventId}::uuid, ${`req-${i.leased!.usageEventId}`}, ${t.account.id}::uuid, '/v1/chat/completions', 200, 1, 30, 0, '{}'::jsonb, ${i.costNanos.toString()}::bigint, 1, false, false, false, ${i.leased!.eventAt}::timestamptz)`);
    }
    expect((await inTransaction((tx) => settleBatch(tx, items))).some(Boolean)).toBe(false);
    expect(await state(t.account.id)).toEqual(after);
  });

  it("gives a lease back at most what it holds, however many requests give to it", async () => {
    const t = await createTenant({ tier: "Settle sets" });
    const leaseId = randomUUID();
    const windowStart = hour();
    await leaseLimits({
      accountId: t.account.id,
      instanceId,
      activationNanos: null,
      versions: await versionsOf(t.account.id),
      ops: [{ op: "grant", id: leaseId, new: true, scopeId: t.account.id, metric: "output_tokens_hour", windowStart, limit: HOUR_LIMIT, want: 500n, min: 1n, share: 4 }],
    });
    // Ten requests give back 100 each (1,000) to a lease of 500: it empties, and the counter's reservation never goes below zero.
    const items: DeferredSettlement[] = Array.from({ length: 10 }, () => {
      const usageEventId = randomUUID();
      return {
        reservationId: randomUUID(),
        accountId: t.account.id,
        actual: { output_tokens_hour: 0n },
        costNanos: 0n,
        ledger: { keyId: t.key.id, modelId: "m", usageEventId, details: {} },
        leased: {
          usageEventId,
          eventAt: new Date().toISOString(),
          holds: [{ leaseId, scopeId: t.account.id, metric: "output_tokens_hour", windowStart: windowStart.toISOString(), used: 0n, back: 100n }],
        },
      };
    });
    const before = await state(t.account.id);
    expect((await inTransaction((db) => settleBatch(db, items))).every(Boolean)).toBe(true);
    const after = await state(t.account.id);
    expect(after.reserved).toBe(0n);
    expect(after.used).toBe(before.used);
    expect(after.ledgerRows).toBe(before.ledgerRows);
    expect((await readLeases({ accountId: t.account.id })).find((l) => l.id === leaseId)!.amount).toBe(0n);
  });

  it("settles requests reserved one by one together: each reservation once, counters and balance by their sums", async () => {
    const t = await createTenant({ tier: "Settle sets" });
    const windowStart = hour();
    const versions = await versionsOf(t.account.id);
    const ids: string[] = [];
    for (let n = 0; n < 25; n++) {
      const reservationId = randomUUID();
      const outcome = await reserveForTenant(t, {
        reservationId,
        instanceId,
        modelId: "m",
        holds: [{ scopeId: t.account.id, metric: "output_tokens_hour", windowStart, amount: 1_000n, limit: HOUR_LIMIT }],
        versions,
      });
      expect(outcome.ok).toBe(true);
      ids.push(reservationId);
    }
    const before = await state(t.account.id);
    expect(before.reserved).toBe(25n * 1_000n);
    expect(before.reservations).toBe(25);
    const items: DeferredSettlement[] = ids.map((reservationId, n) => ({
      reservationId,
      accountId: t.account.id,
      actual: { output_tokens_hour: BigInt(n) },
      costNanos: BigInt(n) * 8_000n,
      ledger: { keyId: t.key.id, modelId: "m", usageEventId: randomUUID(), details: {} },
    }));
    // The last one twice: settled once.
    const settled = await inTransaction((db) => settleBatch(db, [...items, items[24]!]));
    expect(settled.slice(0, 25).every(Boolean)).toBe(true);
    expect(settled[25]).toBe(false);
    const after = await state(t.account.id);
    const sum = BigInt((24 * 25) / 2);
    expect(after.reserved).toBe(0n);
    expect(after.used - before.used).toBe(sum);
    expect(after.reservations).toBe(0);
    expect(after.balance - before.balance).toBe(-sum * 8_000n);
    // A request that used nothing costs nothing and has no ledger row.
    expect(after.ledgerRows - before.ledgerRows).toBe(24);
    expect(after.ledgerSum - before.ledgerSum).toBe(-sum * 8_000n);
    // Written again (the sweeper got there first, or a replay): nothing more.
    expect((await inTransaction((db) => settleBatch(db, items))).some(Boolean)).toBe(false);
    expect(await state(t.account.id)).toEqual(after);
  });
});
