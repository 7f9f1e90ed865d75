import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, setDatabase } from "@/db/client";
import { insertPrice } from "@/db/queries/prices";
import { reclaimOrphanReservations } from "@/lib/limits/sweeper";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";

/*
 * Answered requests are settled and recorded in batches after the answer
 * leaves, from a journal on disk. Here the batch write is held up (a lock on
 * the rollup table), the instance is killed with SIGKILL while answered
 * requests wait in its journal, and it is started again on the same data
 * folder: it writes them, and in the end every answered request is billed
 * exactly once, at its real cost, with one usage event. The counts are printed.
 */

const PRICE = 1_000n; // nano-euros per token, in and out
const TOKENS = 8;

describe("fault: kill -9 with answered requests in the journal", () => {
  let fake: FakeBackend;
  let instance: Instance | undefined;
  let db: Awaited<ReturnType<typeof openScratchPg>>;
  let sql: pg.Client;
  let secret: string;
  let accountId: string;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "llmaas-journal-"));

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "journal" });
    db = await openScratchPg();
    setDatabase(db);
    await registerBackend("journal", fake.url, [{ id: "journal-chat", upstream: "echo" }]);
    for (const unit of ["input_token", "output_token"] as const) {
      await insertPrice({ modelId: "journal-chat", unit, nanosPerUnit: PRICE, effectiveFrom: new Date("2000-01-01") });
    }
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await sql.query("update tiers set requests_per_minute = 1000000");
    const tenant = await createTenant();
    secret = tenant.secret;
    accountId = tenant.account.id;
  }, 120_000);

  afterAll(async () => {
    await instance?.stop("SIGKILL");
    await sql?.end();
    await closeDatabase();
    await fake?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const chat = (url: string, i: number, timeoutMs = 10_000) =>
    fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "journal-chat", messages: [{ role: "user", content: `hello ${i}` }], max_tokens: 50, fake: { tokens: TOKENS } }),
      signal: AbortSignal.timeout(timeoutMs),
    }).then(
      async (res) => ({ status: res.status, requestId: res.headers.get("x-request-id"), body: (await res.json()) as { usage?: { prompt_tokens: number; completion_tokens: number } } }),
      () => null,
    );

  it("writes what a killed instance journaled, once, at its real cost", async () => {
    const env = { DATABASE_URL: db.url, LLMAAS_DATA_DIR: dataDir };
    instance = await startInstance(env);
    const answered: { requestId: string; cost: bigint }[] = [];
    const note = (r: Awaited<ReturnType<typeof chat>>) => {
      if (r?.status === 200 && r.requestId && r.body.usage) {
        answered.push({ requestId: r.requestId, cost: BigInt(r.body.usage.prompt_tokens + r.body.usage.completion_tokens) * PRICE });
      }
    };
    // Written as usual.
    for (let i = 0; i < 20; i++) note(await chat(instance.url, i));
    // Their batch is written before the write is held up below.
    await new Promise((r) => setTimeout(r, 1_000));

    // Hold up every batch write: answers still leave, their settlements wait in the journal.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query("begin");
    await blocker.query("lock table usage_hourly in exclusive mode");
    const held = await Promise.all(Array.from({ length: 10 }, (_, i) => chat(instance!.url, 100 + i, 3_000)));
    for (const r of held) note(r);
    const answeredWhileHeld = held.filter((r) => r?.status === 200).length;
    const journaled = fs.readdirSync(dataDir, { recursive: true }).filter((f) => String(f).endsWith(".jsonl"));

    await instance.stop("SIGKILL");
    instance = undefined;
    await blocker.query("rollback");
    await blocker.end();

    // Started again on the same data folder: it writes what the killed one journaled.
    instance = await startInstance(env);
    const ids = answered.map((a) => a.requestId);
    let events: { request_id: string; cost: string }[] = [];
    for (let waited = 0; waited < 15_000; waited += 200) {
      events = (await sql.query("select request_id, cost_nanos::text as cost from usage_events where request_id = any($1)", [ids])).rows;
      if (events.length >= ids.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await instance.stop("SIGTERM");
    instance = undefined;
    // Requests cut by the kill before their answer: the sweeper gives their holds back.
    await reclaimOrphanReservations({ staleMs: 0 });

    const ledger = (
      await sql.query("select details->>'request_id' as request_id, (-amount_nanos)::text as cost from ledger_entries where account_id = $1 and kind = 'usage'", [accountId])
    ).rows as { request_id: string; cost: string }[];
    const allEvents = (await sql.query("select request_id from usage_events where account_id = $1", [accountId])).rows as { request_id: string }[];
    const openReservations = (await sql.query("select count(*)::int as n from reservations")).rows[0].n;
    const balance = (await sql.query("select balance_nanos::text as b, reserved_nanos::text as r from account_balances where account_id = $1", [accountId])).rows[0];
    console.log(
      "kill -9 with a journal:",
      JSON.stringify({ answered: answered.length, answeredWhileHeld, journalFiles: journaled.length, usageEvents: allEvents.length, ledgerUsageRows: ledger.length, openReservations }),
    );

    expect(answeredWhileHeld).toBeGreaterThan(0);
    expect(journaled.length).toBeGreaterThan(0);
    // Nothing twice.
    expect(new Set(allEvents.map((e) => e.request_id)).size).toBe(allEvents.length);
    expect(new Set(ledger.map((l) => l.request_id)).size).toBe(ledger.length);
    // Nothing lost, at its real cost.
    const billed = new Map(ledger.map((l) => [l.request_id, BigInt(l.cost)]));
    const evented = new Set(events.map((e) => e.request_id));
    for (const a of answered) {
      expect(evented.has(a.requestId), `usage event of ${a.requestId}`).toBe(true);
      expect(billed.get(a.requestId), `ledger row of ${a.requestId}`).toBe(a.cost);
    }
    expect(openReservations).toBe(0);
    expect(balance.r).toBe("0");
    const total = answered.reduce((s, a) => s + a.cost, 0n);
    const billedAnswered = answered.reduce((s, a) => s + (billed.get(a.requestId) ?? 0n), 0n);
    expect(billedAnswered).toBe(total);
  }, 120_000);
});
