import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { type NewUsageEvent, insertUsageEvents } from "@/db/queries/usage";
import { describeEachDriver } from "@/tests/support/databases";
import { createTenant } from "@/tests/support/gateway";

/*
 * A batch of usage events written again (replayed from an instance's journal,
 * or after the sweeper rebuilt some of them from the ledger) adds only the
 * events not written yet, to the events and to their rollups, whatever month
 * they fall in.
 */
describeEachDriver("usage events written twice", () => {
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  beforeAll(async () => {
    tenant = await createTenant();
  });

  const event = (at: Date): NewUsageEvent => ({
    id: randomUUID(),
    requestId: `replay-${randomUUID()}`,
    accountId: tenant.account.id,
    keyId: tenant.key.id,
    userId: tenant.user.id,
    endpoint: "chat.completions",
    modelId: "m1",
    status: 200,
    promptTokens: 10,
    completionTokens: 5,
    reasoningTokens: 0,
    costNanos: 1_000n,
    latencyMs: 40,
    ttftMs: 10,
    createdAt: at,
  });

  const counts = async () => {
    const db = await getDb();
    const r = (await db.execute(
      sql`select (select count(*)::int from usage_events where account_id = ${tenant.account.id}::uuid) as events,
        (select coalesce(sum(requests), 0)::int from usage_hourly where account_id = ${tenant.account.id}::uuid) as hourly`,
    )) as unknown as { rows: { events: number; hourly: number }[] };
    return r.rows[0]!;
  };

  it("writes each event once, in this month and in an earlier one", async () => {
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 12));
    const first = [event(now), event(lastMonth), event(now)];
    await insertUsageEvents({ events: first });
    expect(await counts()).toEqual({ events: 3, hourly: 3 });
    // The same batch again, with one new event in it: only the new one is added.
    await insertUsageEvents({ events: [...first, event(lastMonth)] });
    expect(await counts()).toEqual({ events: 4, hourly: 4 });
    // An event without a time of its own is a new one, dated now.
    await insertUsageEvents({ events: [{ ...event(now), createdAt: undefined }] });
    expect(await counts()).toEqual({ events: 5, hourly: 5 });
  });
});
