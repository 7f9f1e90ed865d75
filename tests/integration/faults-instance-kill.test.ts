import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, setDatabase } from "@/db/client";
import { insertPrice } from "@/db/queries/prices";
import { reclaimOrphanReservations, reconcileUsage } from "@/lib/limits/sweeper";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";
import { runLoad, tally } from "@/tests/support/load";

/*
 * Two instances on one Postgres under 50 concurrent clients (streamed and
 * not); one is killed with SIGKILL mid-run. Its clients get connection
 * errors, the other keeps serving, its reservations are reclaimed, and in
 * the end every answered request has exactly one usage event and one ledger
 * usage row, and nothing was billed twice. The counts are printed.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("fault: an instance killed under load", () => {
  let fake: FakeBackend;
  let a: Instance;
  let b: Instance;
  let secret: string;
  let accountId: string;
  let db: Awaited<ReturnType<typeof openScratchPg>>;
  let sql: pg.Client;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "kill" });
    db = await openScratchPg();
    setDatabase(db);
    await registerBackend("kill", fake.url, [{ id: "kill-chat", upstream: "slow" }]);
    for (const unit of ["input_token", "output_token"] as const) {
      await insertPrice({ modelId: "kill-chat", unit, nanosPerUnit: 1_000n, effectiveFrom: new Date("2000-01-01") });
    }
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    // Room for the load: this test is about faults, not rate limits.
    await sql.query("update tiers set requests_per_minute = 1000000");
    const tenant = await createTenant();
    secret = tenant.secret;
    accountId = tenant.account.id;
    [a, b] = await Promise.all([startInstance({ DATABASE_URL: db.url }), startInstance({ DATABASE_URL: db.url })]);
  }, 120_000);

  afterAll(async () => {
    await a?.stop("SIGKILL");
    await b?.stop("SIGKILL");
    await sql?.end();
    await closeDatabase();
    await fake?.close();
  });

  it("clients of the dead instance see connection errors, the other serves on, nothing is lost or billed twice", async () => {
    let killedAt = 0;
    let answeredByA = 0;
    const stop = (async () => {
      // Killed once it is busy serving (or after 20 s on a loaded machine).
      for (let waited = 0; answeredByA < 40 && waited < 20_000; waited += 100) await sleep(100);
      await sleep(300);
      killedAt = Date.now();
      await a.stop("SIGKILL");
      await sleep(3_000);
    })();
    const sent = await runLoad({ urlFor: (c) => (c % 2 === 0 ? a.url : b.url), secret, clients: 50, model: "kill-chat", tokens: 8, delayMs: 25, timeoutMs: 30_000, onResult: (r) => void (r.url === a.url && r.outcome === "answered" && answeredByA++) }, stop);

    expect(sent.filter((s) => s.url === a.url && s.outcome === "answered").length).toBeGreaterThanOrEqual(40);
    const afterKill = sent.filter((s) => s.startedAt > killedAt + 100);
    expect(afterKill.filter((s) => s.url === b.url && s.outcome === "answered").length).toBeGreaterThan(0);
    expect(afterKill.filter((s) => s.url === a.url).every((s) => s.outcome === "connection_error")).toBe(true);
    expect(sent.filter((s) => s.outcome === "error_status")).toEqual([]);

    // What the other instances' sweepers do after their thresholds, done now: reclaim the dead one's
    // reservations and write the usage events it still had queued.
    await sleep(500); // b's usage queue is flushed
    const reclaimed = await reclaimOrphanReservations({ staleMs: 0 });
    const rebuilt = await reconcileUsage({ olderThanMs: 0 });

    const events = (
      await sql.query("select request_id, cost_nanos::bigint as cost, error_code from usage_events where account_id = $1", [accountId])
    ).rows as { request_id: string; cost: string; error_code: string | null }[];
    const ledger = (await sql.query("select details->>'request_id' as request_id from ledger_entries where account_id = $1 and kind = 'usage'", [accountId]))
      .rows as { request_id: string }[];
    const openReservations = (await sql.query("select count(*)::int as n from reservations")).rows[0].n;

    const answered = sent.filter((s) => s.outcome === "answered");
    const billed = events.filter((e) => BigInt(e.cost) > 0n);
    const counts = {
      ...tally(sent),
      answeredByA: answered.filter((s) => s.url === a.url).length,
      answeredByB: answered.filter((s) => s.url === b.url).length,
      reclaimedReservations: reclaimed,
      rebuiltUsageEvents: rebuilt,
      usageEvents: events.length,
      billedUsageEvents: billed.length,
      ledgerUsageRows: ledger.length,
      openReservations,
    };
    console.log("instance kill under load:", JSON.stringify(counts));

    expect(openReservations).toBe(0);
    // None twice.
    expect(new Set(events.map((e) => e.request_id)).size).toBe(events.length);
    expect(new Set(ledger.map((l) => l.request_id)).size).toBe(ledger.length);
    // None lost: every answered request has its usage event and its ledger row.
    const eventIds = new Set(events.map((e) => e.request_id));
    const ledgerIds = new Set(ledger.map((l) => l.request_id));
    for (const s of answered) {
      expect(eventIds.has(s.requestId!), `usage event of ${s.requestId}`).toBe(true);
      expect(ledgerIds.has(s.requestId!), `ledger row of ${s.requestId}`).toBe(true);
    }
    // Usage events that cost something and ledger usage rows are the same requests: the answered
    // ones and the partial streams billed when the dead instance's reservations were reclaimed.
    expect(billed.length).toBe(ledger.length);
    expect(new Set(billed.map((e) => e.request_id))).toEqual(ledgerIds);
    // Billed but not answered: what the dead instance had generated or settled when it died — partial
    // streams billed from their checkpoints, and requests it had settled (their settlement is journaled
    // or written before the answer is sent) whose answer never left — at most one per client in flight then.
    const answeredIds = new Set(answered.map((s) => s.requestId));
    const unanswered = billed.filter((e) => !answeredIds.has(e.request_id));
    const partial = unanswered.filter((e) => e.error_code === "instance_lost");
    console.log("ledger usage rows = answered + partial streams billed + settled when killed:", ledger.length, "=", answered.length, "+", partial.length, "+", unanswered.length - partial.length);
    expect(ledger.length).toBe(answered.length + unanswered.length);
    expect(unanswered.length).toBeLessThanOrEqual(50);
  });
});
