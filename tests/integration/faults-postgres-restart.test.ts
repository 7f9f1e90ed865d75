import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, migrateDatabase, openPg, setDatabase } from "@/db/client";
import { insertPrice } from "@/db/queries/prices";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";
import { runLoad, tally } from "@/tests/support/load";
import { type PrivatePostgres, startPrivatePostgres } from "@/tests/support/private-postgres";

/*
 * Postgres stopped and started again under load (a private cluster: the
 * shared server is never touched). While it is down requests fail fast with
 * 503 in the envelope; when it is back the gateway recovers by itself; every
 * answered request keeps its usage event and ledger row. Counts printed.
 */

const DB_TIMEOUT_MS = 1_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("fault: Postgres restarted under load", () => {
  let cluster: PrivatePostgres;
  let fake: FakeBackend;
  let instance: Instance;
  let secret: string;
  let accountId: string;

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    const database = await openPg(cluster.url);
    await migrateDatabase(database);
    setDatabase(database);
    fake = await startFakeOpenAI({ machine: "pgr" });
    await registerBackend("pgr", fake.url, [{ id: "pgr-chat", upstream: "slow" }]);
    for (const unit of ["input_token", "output_token"] as const) {
      await insertPrice({ modelId: "pgr-chat", unit, nanosPerUnit: 1_000n, effectiveFrom: new Date("2000-01-01") });
    }
    const tenant = await createTenant();
    secret = tenant.secret;
    accountId = tenant.account.id;
    instance = await startInstance({ DATABASE_URL: cluster.url, LLMAAS_DB_TIMEOUT_MS: String(DB_TIMEOUT_MS) });
  }, 120_000);

  afterAll(async () => {
    await instance?.stop("SIGKILL");
    await closeDatabase().catch(() => {});
    await fake?.close();
    await cluster?.destroy();
  });

  it("503 while down, bounded; recovers by itself; no usage row lost", async () => {
    const phases = { downAt: 0, upAt: 0, recoveredAt: 0 };
    let answeredAfterUp = 0;
    const stop = (async () => {
      await sleep(2_000);
      phases.downAt = Date.now();
      await cluster.stop();
      await sleep(3_000);
      await cluster.start();
      phases.upAt = Date.now();
      for (let waited = 0; answeredAfterUp < 20 && waited < 30_000; waited += 100) await sleep(100);
      phases.recoveredAt = Date.now();
    })();
    const sent = await runLoad(
      {
        urlFor: () => instance.url,
        secret,
        clients: 10,
        model: "pgr-chat",
        tokens: 6,
        delayMs: 20,
        timeoutMs: 20_000,
        onResult: (r) => void (phases.upAt && r.startedAt > phases.upAt && r.outcome === "answered" && answeredAfterUp++),
      },
      stop,
    );

    const whileDown = sent.filter((s) => s.startedAt > phases.downAt + 200 && s.startedAt < phases.upAt - 200);
    const counts = {
      ...tally(sent),
      whileDown: whileDown.length,
      whileDown503: whileDown.filter((s) => s.status === 503).length,
      slowestWhileDownMs: Math.max(0, ...whileDown.map((s) => s.latencyMs)),
      recoveryMs: phases.recoveredAt - phases.upAt,
    };
    console.log("postgres restart under load (requests):", JSON.stringify(counts));
    expect(answeredAfterUp, "recovered by itself").toBeGreaterThanOrEqual(20);
    // Nothing else than answers and 503s in the envelope; nothing hangs past the configured wait (plus slack for a busy machine).
    for (const s of sent) {
      if (s.outcome === "error_status") expect([s.status, s.errorCode]).toEqual([503, "database_unavailable"]);
    }
    expect(sent.filter((s) => s.outcome === "connection_error")).toEqual([]);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(counts.slowestWhileDownMs).toBeLessThan(DB_TIMEOUT_MS * 4 + 5_000);

    // Settlements held up by the outage finish and the usage queue drains.
    const sql = new pg.Client({ connectionString: cluster.url });
    await sql.connect();
    try {
      let events: { request_id: string }[] = [];
      let ledger: { request_id: string }[] = [];
      const answered = sent.filter((s) => s.outcome === "answered");
      for (let i = 0; i < 100; i++) {
        events = (await sql.query("select request_id from usage_events where account_id = $1 and status = 200", [accountId])).rows;
        ledger = (await sql.query("select details->>'request_id' as request_id from ledger_entries where account_id = $1 and kind = 'usage'", [accountId])).rows;
        const open = (await sql.query("select count(*)::int as n from reservations")).rows[0].n;
        if (open === 0 && events.length >= answered.length && ledger.length >= answered.length) break;
        await sleep(200);
      }
      console.log("postgres restart under load:", JSON.stringify({ ...counts, usageEvents200: events.length, ledgerUsageRows: ledger.length }));
      const eventIds = new Set(events.map((e) => e.request_id));
      const ledgerIds = new Set(ledger.map((e) => e.request_id));
      expect(eventIds.size).toBe(events.length);
      expect(ledgerIds.size).toBe(ledger.length);
      for (const s of answered) {
        expect(eventIds.has(s.requestId!), `usage event of ${s.requestId}`).toBe(true);
        expect(ledgerIds.has(s.requestId!), `ledger row of ${s.requestId}`).toBe(true);
      }
      expect(events.length).toBe(answered.length);
      expect((await sql.query("select count(*)::int as n from reservations")).rows[0].n).toBe(0);
    } finally {
      await sql.end();
    }
  }, 120_000);
});
