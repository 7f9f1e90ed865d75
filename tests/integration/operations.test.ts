import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, setDatabase } from "@/db/client";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";

/*
 * One server process on Postgres: /metrics scraped after real traffic, every
 * log line of a request naming it, and SIGTERM cutting a stream that outlives
 * the shutdown timeout while still settling and recording it.
 */

const TOKEN = "metrics-token-0123456789";

describe("operations: metrics, request logs, shutdown", () => {
  let fake: FakeBackend;
  let instance: Instance;
  let secret: string;
  let keyId: string;
  let accountId: string;
  let db: Awaited<ReturnType<typeof openScratchPg>>;
  let sql: pg.Client;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "ops" });
    db = await openScratchPg();
    setDatabase(db);
    await registerBackend("ops", fake.url, [
      { id: "ops-chat", upstream: "echo" },
      { id: "ops-slow", upstream: "slow" },
      { id: "ops-leak", upstream: "leak400" },
    ]);
    const tenant = await createTenant();
    ({ secret } = tenant);
    keyId = tenant.key.id;
    accountId = tenant.account.id;
    instance = await startInstance({ DATABASE_URL: db.url, LLMAAS_METRICS_TOKEN: TOKEN, LLMAAS_METRICS_PORT: "0", LLMAAS_SHUTDOWN_TIMEOUT_MS: "700" });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 90_000);

  afterAll(async () => {
    await instance?.stop("SIGKILL");
    await sql?.end();
    await closeDatabase();
    await fake?.close();
  });

  const chat = (model: string, extra: Record<string, unknown> = {}) =>
    fetch(`${instance.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hello there" }], max_tokens: 5, ...extra }),
    });

  it("serves Prometheus metrics behind its token", async () => {
    for (let i = 0; i < 3; i++) expect((await chat("ops-chat")).status).toBe(200);
    const streamed = await chat("ops-chat", { stream: true });
    expect(streamed.status).toBe(200);
    await streamed.text();
    expect((await chat("ops-leak")).status).toBe(400);

    expect((await fetch(`${instance.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${instance.url}/metrics`, { headers: { authorization: "Bearer wrong-token-0000000000" } })).status).toBe(401);
    const res = await fetch(`${instance.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"+]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
    expect(value('llmaas_requests_total{endpoint="chat.completions",model="ops-chat",status="200"}')).toBe(4);
    expect(value('llmaas_requests_total{endpoint="chat.completions",model="ops-leak",status="400"}')).toBe(1);
    expect(value('llmaas_tokens_total{model="ops-chat",direction="out"}')).toBeGreaterThanOrEqual(4);
    expect(value('llmaas_tokens_total{model="ops-chat",direction="in"}')).toBeGreaterThan(0);
    expect(value('llmaas_request_duration_seconds_count{endpoint="chat.completions",model="ops-chat"}')).toBe(4);
    expect(value('llmaas_time_to_first_token_seconds_count{endpoint="chat.completions",model="ops-chat"}')).toBe(4);
    expect(value('llmaas_backend_up{backend="ops"}')).toBe(1);
    expect(value('llmaas_backend_circuit{backend="ops",state="closed"}')).toBe(1);
    expect(value('llmaas_backend_in_flight{backend="ops"}')).toBe(0);
    expect(value("llmaas_reservations_held")).toBe(0);
    expect(text).toMatch(/^llmaas_usage_rows_pending \d+$/m);
    expect(text).toMatch(/^llmaas_requests_in_flight \d+$/m);
    expect(value("process_resident_memory_bytes")).toBeGreaterThan(0);

    // The separate metrics port needs no token, and serves nothing else.
    const port = /"message":"metrics are served","port":(\d+)/.exec(instance.logs.join(""))![1];
    const plain = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(plain.status).toBe(200);
    expect(await plain.text()).toContain("llmaas_requests_total");
    expect((await fetch(`http://127.0.0.1:${port}/v1/models`)).status).toBe(404);
  });

  it("every log line of a request names its request, account and key, never the secret", async () => {
    const res = await chat("ops-leak");
    const requestId = res.headers.get("x-request-id")!;
    await new Promise((r) => setTimeout(r, 100));
    const lines = instance.logs.join("").split("\n").filter((l) => l.includes(requestId));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({ requestId, accountId, keyId });
    }
    expect(instance.logs.join("")).not.toContain(secret);
  });

  it("SIGTERM: stops accepting, cuts a stream past the timeout, settles and records it, exits 0", async () => {
    const res = await chat("ops-slow", { stream: true, max_tokens: 400, fake: { tokens: 400, delayMs: 50 } });
    const requestId = res.headers.get("x-request-id")!;
    const reader = res.body!.getReader();
    await reader.read();
    const exit = instance.stop("SIGTERM");
    // The stream ends (cut by the server) instead of hanging.
    let ended = false;
    try {
      for (;;) if ((await reader.read()).done) break;
      ended = true;
    } catch {
      ended = true;
    }
    expect(ended).toBe(true);
    expect(await exit).toBe(0);
    await expect(fetch(`${instance.url}/v1/models`)).rejects.toThrow();

    const usage = await sql.query("select status, completion_tokens, client_aborted from usage_events where request_id = $1", [requestId]);
    expect(usage.rows).toHaveLength(1);
    expect(usage.rows[0].completion_tokens).toBeGreaterThan(0);
    expect(usage.rows[0].completion_tokens).toBeLessThan(400);
    expect((await sql.query("select count(*)::int as n from reservations")).rows[0].n).toBe(0);
    expect((await sql.query("select count(*)::int as n from gateway_instances")).rows[0].n).toBe(0);
    const ledger = await sql.query("select count(*)::int as n from ledger_entries where details->>'request_id' = $1", [requestId]);
    expect(ledger.rows[0].n).toBe(1);
  });
});
