import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { ensureDaily, rebuildDaily } from "@/db/queries/usage-daily";
import { type NewUsageEvent, insertUsageEvents } from "@/db/queries/usage";
import type { Caller } from "@/lib/console/authz";
import { updateBudgetSettingsAs } from "@/lib/console/budget";
import { usageReport } from "@/lib/console/usage";
import { describeEachDriver } from "@/tests/support/databases";
import { createTenant } from "@/tests/support/gateway";

type Row = Record<string, unknown>;
const rowsOf = (r: unknown) => (r as { rows: Row[] }).rows;

/*
 * Reports of more than a week read daily rollups cut in the account's time
 * zone; they must say exactly what the hourly rollups say, whatever the zone
 * and however it changes.
 */
describeEachDriver("daily usage rollups", () => {
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let admin: Caller;
  // Noon UTC today, so "today" in Tokyo and Los Angeles both hold some of the events.
  const now = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 12 * 3_600_000);

  const event = (at: Date, i: number, model = "m1"): NewUsageEvent => ({
    requestId: `daily-${at.getTime()}-${i}-${Math.random().toString(36).slice(2)}`,
    accountId: tenant.account.id,
    keyId: tenant.key.id,
    userId: tenant.user.id,
    endpoint: "chat.completions",
    modelId: model,
    status: i % 7 === 0 ? 500 : 200,
    promptTokens: 10 + i,
    completionTokens: 5 + (i % 3),
    reasoningTokens: 0,
    costNanos: BigInt(1_000_003 * (i + 1)),
    latencyMs: 40 + i * 37,
    ttftMs: 10 + i,
    createdAt: at,
  });

  /** What the hourly rollups say per local day of `tz` (the reference). */
  const hourlyByDay = async (tz: string) => {
    const db = await getDb();
    const rows = rowsOf(
      await db.execute(sql`select to_char((hour at time zone ${tz})::date, 'YYYY-MM-DD') as day, sum(requests)::int as requests, sum(cost_nanos)::text as cost
        from usage_hourly where account_id = ${tenant.account.id}::uuid group by 1 order by 1`),
    );
    return new Map(rows.map((r) => [String(r.day), { requests: Number(r.requests), cost: BigInt(String(r.cost)) }]));
  };
  const reportByDay = async () => {
    const report = await usageReport(admin, { range: "30d" }, now);
    expect(report.range.resolution).toBe("day");
    return { report, days: report.points.filter((p) => p.requests > 0) };
  };

  beforeAll(async () => {
    tenant = await createTenant();
    admin = { userId: tenant.user.id, accountId: tenant.account.id, role: "admin", superadmin: false };
    // Events every 5 hours over 20 days, two models.
    const events: NewUsageEvent[] = [];
    for (let i = 0; i < 96; i++) events.push(event(new Date(now.getTime() - i * 5 * 3_600_000), i, i % 2 ? "m1" : "m2"));
    await insertUsageEvents({ events: events.slice(0, 50) });
    await insertUsageEvents({ events: events.slice(50) });
  });

  it("says per local day what the hourly rollups say, in the account's zone, and follows a change of zone", async () => {
    for (const tz of ["Asia/Tokyo", "America/Los_Angeles"]) {
      await updateBudgetSettingsAs(admin, { timezone: tz });
      const { report, days } = await reportByDay();
      expect(report.tz).toBe(tz);
      const reference = await hourlyByDay(tz);
      expect(days.length).toBe(reference.size);
      for (const p of days) {
        const day = new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(p.start);
        expect({ day, requests: p.requests, cost: p.costNanos }).toEqual({ day, ...reference.get(day)! });
      }
      expect(report.totals.requests).toBe(96);
      // Breakdown and percentiles come from the same days.
      expect(report.breakdown.reduce((s, b) => s + b.requests, 0)).toBe(96);
      expect(report.latency.reduce((s, l) => s + l.requests, 0)).toBe(96);
      expect(report.choices.models.sort()).toEqual(["m1", "m2"]);
    }
  });

  it("adds usage recorded after the days were built, and loses none recorded during a rebuild", async () => {
    const { report } = await reportByDay();
    const { tz, totals: before } = report;
    const more = Array.from({ length: 40 }, (_, i) => event(new Date(now.getTime() - i * 3_600_000), 200 + i));
    // Writers and two rebuilds at once: each write lands in the days once.
    await Promise.all([
      ...more.map((e) => insertUsageEvents({ events: [e] })),
      rebuildDaily({ accountId: tenant.account.id, zone: tz }),
      rebuildDaily({ accountId: tenant.account.id, zone: tz }),
    ]);
    const after = (await reportByDay()).report.totals;
    expect(after.requests).toBe(before.requests + 40);
    expect(after.costNanos).toBe(before.costNanos + more.reduce((s, e) => s + (e.costNanos as bigint), 0n));
    const reference = [...(await hourlyByDay(tz)).values()].reduce((s, d) => s + d.cost, 0n);
    expect(after.costNanos).toBe(reference);
  });

  it("builds the days of an account on first use, and again when the platform's default zone changes under it", async () => {
    const db = await getDb();
    await db.execute(sql`delete from usage_daily_zones where account_id = ${tenant.account.id}::uuid`);
    await db.execute(sql`delete from usage_daily where account_id = ${tenant.account.id}::uuid`);
    // Not built: writes leave the days alone instead of starting them half-full.
    await insertUsageEvents({ events: [event(new Date(now.getTime() - 3_600_000), 999)] });
    expect(rowsOf(await db.execute(sql`select 1 from usage_daily where account_id = ${tenant.account.id}::uuid`))).toHaveLength(0);
    await ensureDaily({ accountId: tenant.account.id, zone: "UTC" });
    const built = rowsOf(await db.execute(sql`select sum(requests)::int as n from usage_daily where account_id = ${tenant.account.id}::uuid`))[0]!.n;
    const hourly = rowsOf(await db.execute(sql`select sum(requests)::int as n from usage_hourly where account_id = ${tenant.account.id}::uuid`))[0]!.n;
    expect(built).toBe(hourly);
    await ensureDaily({ accountId: tenant.account.id, zone: "Europe/Paris" });
    expect(rowsOf(await db.execute(sql`select zone from usage_daily_zones where account_id = ${tenant.account.id}::uuid`))[0]!.zone).toBe("Europe/Paris");
  });
});
