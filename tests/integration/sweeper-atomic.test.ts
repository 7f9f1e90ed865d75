import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { reclaimOrphanReservations } from "@/lib/limits/sweeper";
import { describeEachDriver } from "@/tests/support/databases";
import { createTenant } from "@/tests/support/gateway";

/*
 * A lost instance's stream, admitted against leases and checkpointed, is
 * settled by the sweeper together with its usage event or not at all: a
 * journal of that instance replayed in between decides whether the request
 * is settled already by its usage event, so a settlement without its event
 * would be billed again by the replay.
 */
describeEachDriver("the sweeper settles a lost stream with its usage event", () => {
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  beforeAll(async () => {
    tenant = await createTenant();
  });

  it("writes both or neither, and settles once", async () => {
    const db = await getDb();
    const reservationId = randomUUID();
    const usageEventId = randomUUID();
    const requestId = `chatcmpl-lost-${randomUUID()}`;
    const at = new Date(Date.now() - 60_000);
    const windowStart = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000).toISOString();
    // A checkpoint of an instance that no longer beats (it has no row at all): 10 tokens generated so far.
    const holds = { counters: [], balanceNanos: "0", leased: { usageEventId, eventAt: at.toISOString(), holds: [{ leaseId: null, scopeId: tenant.account.id, metric: "output_tokens_hour", windowStart, drawn: "0" }] } };
    await db.execute(sql`insert into reservations (id, request_id, account_id, key_id, user_id, instance_id, model_id, endpoint, holds, prices, progress, created_at)
      values (${reservationId}::uuid, ${requestId}, ${tenant.account.id}::uuid, ${tenant.key.id}::uuid, ${tenant.user.id}::uuid, ${randomUUID()}::uuid, 'm', 'chat.completions',
        ${JSON.stringify(holds)}::jsonb, ${JSON.stringify({ input_token: "1000", output_token: "8000" })}::jsonb, ${JSON.stringify({ promptTokens: 5, completionTokens: 10 })}::jsonb, ${at.toISOString()}::timestamptz)`);

    const state = async () => {
      const one = async (q: ReturnType<typeof sql>) => Number(((await db.execute(q)) as unknown as { rows: { n: number | string }[] }).rows[0]!.n);
      return {
        ledger: await one(sql`select count(*) as n from ledger_entries where usage_event_id = ${usageEventId}::uuid`),
        events: await one(sql`select count(*) as n from usage_events where id = ${usageEventId}::uuid`),
        reservations: await one(sql`select count(*) as n from reservations where id = ${reservationId}::uuid`),
        used: await one(sql`select coalesce(sum(used), 0) as n from limit_counters where scope_id = ${tenant.account.id}::uuid and metric = 'output_tokens_hour'`),
      };
    };

    // The usage event cannot be written (here: refused by a trigger): the settlement does not stand without it.
    await db.execute(sql.raw(`create or replace function refuse_lost_event() returns trigger language plpgsql as $$
      begin if new.request_id = '${requestId}' then raise exception 'refused'; end if; return new; end $$`));
    await db.execute(sql.raw(`create trigger refuse_lost_event before insert on usage_events for each row execute function refuse_lost_event()`));
    await expect(reclaimOrphanReservations({ staleMs: 0 })).rejects.toThrow();
    expect(await state()).toEqual({ ledger: 0, events: 0, reservations: 1, used: 0 });

    // Once it can be: both, once.
    await db.execute(sql.raw(`drop trigger refuse_lost_event on usage_events`));
    expect(await reclaimOrphanReservations({ staleMs: 0 })).toBeGreaterThanOrEqual(1);
    expect(await state()).toEqual({ ledger: 1, events: 1, reservations: 0, used: 10 });
    await reclaimOrphanReservations({ staleMs: 0 });
    expect(await state()).toEqual({ ledger: 1, events: 1, reservations: 0, used: 10 });
  });
});
