import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, closeDatabase, getDb, setDatabase } from "@/db/client";
import { LocalFileStorage, setFileStorage } from "@/lib/batch/storage";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

type Json = Record<string, unknown>;
const rowsOf = (r: unknown) => (r as { rows: Json[] }).rows;
const root = path.resolve(import.meta.dirname, "../..");
const LINES = 120;

/** `llmaas worker` as its own process; resolves once it works the queue. */
async function startWorker(env: Record<string, string>): Promise<{ proc: ChildProcess; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, ["bin/llmaas.mjs", "worker", "--concurrency", "4"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", LLMAAS_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const logs: string[] = [];
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      logs.push(d.toString());
      if (logs.join("").includes("batch worker started")) resolve();
    });
    proc.stderr!.on("data", (d: Buffer) => logs.push(d.toString()));
    void exited.then((code) => reject(new Error(`worker exited with ${code}:\n${logs.join("")}`)));
  });
  return { proc, exited };
}

describe("batch workers in separate processes [postgres]", () => {
  let database: Database & { url: string };
  let fake: FakeBackend;
  let server: TestServer;
  let filesDir: string;

  beforeAll(async () => {
    database = await openScratchPg();
    setDatabase(database);
    filesDir = await fs.mkdtemp(path.join(os.tmpdir(), "llmaas-files-"));
    setFileStorage(new LocalFileStorage(filesDir));
    fake = await startFakeOpenAI({ machine: "workers" });
    await registerBackend("workers", fake.url, [{ id: "m", upstream: "echo" }]);
    // This process serves the API only: the batch is worked by the worker processes.
    server = await startGatewayServer({ batchConcurrency: 0 });
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
    setFileStorage(undefined);
    await closeDatabase();
    await fs.rm(filesDir, { recursive: true, force: true });
  });

  it("a worker killed with SIGKILL mid-batch changes nothing: a second one finishes, every line answered and billed once", { timeout: 180_000 }, async () => {
    const tenant = await createTenant();
    const client = new OpenAI({ apiKey: tenant.secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const lines = Array.from({ length: LINES }, (_, i) => ({
      custom_id: `line-${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: { model: "m", messages: [{ role: "user", content: `number ${i}` }], max_tokens: 10, fake: { tokens: 5, delayMs: 40 } },
    }));
    const file = await client.files.create({ file: await toFile(Buffer.from(lines.map((l) => JSON.stringify(l)).join("\n")), "in.jsonl"), purpose: "batch" });
    let batch = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });

    const env = { DATABASE_URL: database.url, LLMAAS_FILES_DIR: filesDir };
    const first = await startWorker(env);
    while ((batch.request_counts?.completed ?? 0) < 12) {
      await new Promise((r) => setTimeout(r, 50));
      batch = await client.batches.retrieve(batch.id);
    }
    first.proc.kill("SIGKILL");
    await first.exited;
    const db = await getDb();
    const [atKill] = rowsOf(await db.execute(sql`select count(*) filter (where state = 'running')::int as running from batch_lines where batch_id = ${batch.id}`));

    // The killed worker held lines in flight (four at once, each taking 200 ms): those are the ones taken over.
    expect(Number(atKill!.running)).toBeGreaterThan(0);

    const second = await startWorker(env);
    const deadline = Date.now() + 120_000;
    while (batch.status !== "completed" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      batch = await client.batches.retrieve(batch.id);
    }
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: LINES, completed: LINES, failed: 0 });

    const output = (await (await client.files.content(batch.output_file_id!)).text()).trim().split("\n").map((l) => JSON.parse(l) as Json);
    expect(output).toHaveLength(LINES);
    expect(new Set(output.map((l) => l.custom_id)).size).toBe(LINES);
    for (const l of output) {
      const body = (l.response as Json).body as { choices: { message: { content: string } }[] };
      expect(body.choices[0]!.message.content).toContain(`number`);
    }

    // One usage event and one ledger debit per line, whatever ran twice at the backend.
    const [usage] = rowsOf(await db.execute(sql`select count(*)::int as n, count(distinct request_id)::int as requests from usage_events where batch_id = ${batch.id}`));
    expect(usage).toEqual({ n: LINES, requests: LINES });
    const [ledger] = rowsOf(
      await db.execute(sql`select count(*)::int as n, (-sum(amount_nanos))::text as total from ledger_entries where details->>'batch_id' = ${batch.id}`),
    );
    const [lineCost] = rowsOf(await db.execute(sql`select sum(cost_nanos)::text as total, sum(attempts)::int as attempts from batch_lines where batch_id = ${batch.id}`));
    expect(ledger!.n).toBe(LINES);
    expect(ledger!.total).toBe(lineCost!.total);
    // The lines the killed worker held were claimed again; the backend saw each line at least once.
    expect(lineCost!.attempts).toBe(LINES + Number(atKill!.running));
    const calls = fake.requests.filter((r) => r.path === "/chat/completions").length;
    expect(calls).toBeGreaterThanOrEqual(LINES);
    expect(calls).toBeLessThanOrEqual(LINES + Number(atKill!.running));

    // The killed worker's reservations are given back, unbilled, by the sweeper of the live one.
    const until = Date.now() + 60_000;
    let left = 1;
    while (left > 0 && Date.now() < until) {
      left = rowsOf(await db.execute(sql`select 1 from reservations where batch_id = ${batch.id}`)).length;
      if (left > 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(left).toBe(0);
    expect(rowsOf(await db.execute(sql`select 1 from ledger_entries where details->>'batch_id' = ${batch.id}`))).toHaveLength(LINES);

    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
