import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { LocalFileStorage, setFileStorage } from "@/lib/batch/storage";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

type Json = Record<string, unknown>;
type Tenant = Awaited<ReturnType<typeof createTenant>>;

const rowsOf = (r: unknown) => (r as { rows: Json[] }).rows;
const jsonl = (lines: unknown[]) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n";
const chatLine = (customId: string, content: string, extra: Json = {}) => ({
  custom_id: customId,
  method: "POST",
  url: "/v1/chat/completions",
  body: { model: "m", messages: [{ role: "user", content }], max_tokens: 20, ...extra },
});

describeEachDriver("batch API", () => {
  let fake: FakeBackend;
  let down: FakeBackend;
  let liveBackend: FakeBackend;
  let server: TestServer;
  let filesDir: string;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    filesDir = await fs.mkdtemp(path.join(os.tmpdir(), "llmaas-files-"));
    setFileStorage(new LocalFileStorage(filesDir));
    fake = await startFakeOpenAI({ machine: "batch" });
    await registerBackend("batch", fake.url, [{ id: "m", upstream: "echo" }]);
    // A backend that is overloaded for good.
    down = await startFakeOpenAI({ machine: "batch-down" });
    down.failWith = 503;
    await registerBackend("batch-down", down.url, [{ id: "down", upstream: "echo" }]);
    // Live requests of the pacing test, on their own backend, so that `fake` counts batch lines only.
    liveBackend = await startFakeOpenAI({ machine: "batch-live" });
    await registerBackend("batch-live", liveBackend.url, [{ id: "live", upstream: "echo" }]);
    server = await startGatewayServer({ batchConcurrency: 4, batchRetryDelaysMs: [50, 100, 200] });
    a = await createTenant();
    b = await createTenant();
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
    await down.close();
    await liveBackend.close();
    setFileStorage(undefined);
    await fs.rm(filesDir, { recursive: true, force: true });
  });

  const clientFor = (secret: string) => new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });

  async function runBatch(client: OpenAI, lines: unknown[], until: string[] = ["completed", "failed", "expired", "cancelled"]) {
    const file = await client.files.create({ file: await toFile(Buffer.from(jsonl(lines)), "input.jsonl"), purpose: "batch" });
    let batch = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { job: "test" } });
    const deadline = Date.now() + 60_000;
    while (!until.includes(batch.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      batch = await client.batches.retrieve(batch.id);
    }
    return { file, batch };
  }

  /** 40 lines of 150 ms each, returned once a few have completed: a batch to stop mid-way. */
  async function startSlowBatch(client: OpenAI, prefix: string) {
    const lines = Array.from({ length: 40 }, (_, i) => chatLine(`${prefix}-${i}`, "slow", { fake: { tokens: 5, delayMs: 30 } }));
    const file = await client.files.create({ file: await toFile(Buffer.from(jsonl(lines)), `${prefix}.jsonl`), purpose: "batch" });
    let batch = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    while (batch.request_counts!.completed < 4) {
      await new Promise((r) => setTimeout(r, 50));
      batch = await client.batches.retrieve(batch.id);
    }
    return batch;
  }

  const readResults = async (client: OpenAI, id: string | null | undefined) => {
    if (!id) return new Map<string, Json>();
    const text = await (await client.files.content(id)).text();
    return new Map(
      text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Json)
        .map((l) => [String(l.custom_id), l]),
    );
  };

  it("runs a batch with the openai SDK: upload, create, poll, output and error files matched by custom_id", async () => {
    const client = clientFor(a.secret);
    const good = Array.from({ length: 12 }, (_, i) => chatLine(`ok-${i}`, `question ${i}`, { fake: { tokens: 7 } }));
    const lines = [
      ...good,
      "{not json",
      chatLine("ok-0", "a duplicate custom_id"),
      { ...chatLine("wrong-url", "x"), url: "/v1/embeddings" },
      { custom_id: "no-messages", method: "POST", url: "/v1/chat/completions", body: { model: "m" } },
      chatLine("streamed", "x", { stream: true }),
      chatLine("unknown-model", "x", { model: "nope" }),
    ];
    const { file, batch } = await runBatch(client, lines);
    expect(file).toMatchObject({ object: "file", purpose: "batch", filename: "input.jsonl", status: "processed" });
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 18, completed: 12, failed: 6 });
    expect(batch.metadata).toEqual({ job: "test" });
    for (const t of ["created_at", "in_progress_at", "finalizing_at", "completed_at", "expires_at"] as const) expect(batch[t]).toBeGreaterThan(0);
    expect(batch.expires_at! - batch.created_at).toBe(24 * 3600);

    const output = await readResults(client, batch.output_file_id);
    expect([...output.keys()].sort()).toEqual(good.map((l) => l.custom_id).sort());
    for (const [customId, line] of output) {
      const response = line.response as Json;
      expect(line.error).toBeNull();
      expect(line.id).toMatch(/^batch_req_/);
      expect(response.status_code).toBe(200);
      expect(response.request_id).toMatch(/^chatcmpl-/);
      const body = response.body as { choices: { message: { content: string } }[]; model: string };
      expect(body.model).toBe("m");
      // The answer is the one to this line's question.
      expect(body.choices[0]!.message.content).toContain(`question ${customId.slice(3)}`);
    }

    const errors = await readResults(client, batch.error_file_id);
    expect(errors.size).toBe(6);
    // The line that is not JSON has no custom_id to give.
    expect(errors.get("null")!.error).toMatchObject({ code: "invalid_json", message: "Line 13: it is not valid JSON" });
    expect((errors.get("ok-0")!.error as Json).code).toBe("duplicate_custom_id");
    expect((errors.get("wrong-url")!.error as Json).code).toBe("mismatched_endpoint");
    expect((errors.get("no-messages")!.error as Json).message).toMatch(/messages/);
    expect((errors.get("streamed")!.error as Json).message).toMatch(/stream/);
    // A line that fails in the gateway (unknown model) is answered with its error, like a live request.
    const unknown = errors.get("unknown-model")!;
    expect(unknown.error).toBeNull();
    expect((unknown.response as Json).status_code).toBe(404);
    expect((((unknown.response as Json).body as Json).error as Json).code).toBe("model_not_found");

    const files = await client.files.list({ purpose: "batch_output" });
    expect(files.data.map((f) => f.id).sort()).toEqual([batch.output_file_id, batch.error_file_id].sort());
  });

  it("bills every line once, at half the live price to the nano-euro, marked as batch in usage and ledger", async () => {
    const client = clientFor(a.secret);
    const { batch } = await runBatch(
      client,
      Array.from({ length: 8 }, (_, i) => chatLine(`p-${i}`, "a question of some length ".repeat(i + 1), { fake: { tokens: 3 + i } })),
    );
    expect(batch.status).toBe("completed");
    await server.runtime.gateway.options.recorder.flush();
    const db = await getDb();
    const events = rowsOf(await db.execute(sql`select prompt_tokens, completion_tokens, cost_nanos::text as cost, status from usage_events where batch_id = ${batch.id}`));
    expect(events).toHaveLength(8);
    let expected = 0n;
    let live = 0n;
    for (const e of events) {
      const cost = BigInt(e.prompt_tokens as number) * 900n + BigInt(e.completion_tokens as number) * 4000n;
      expect(BigInt(e.cost as string)).toBe(cost);
      expected += cost;
      live += BigInt(e.prompt_tokens as number) * 1800n + BigInt(e.completion_tokens as number) * 8000n;
    }
    expect(expected * 2n).toBe(live);
    const ledger = rowsOf(
      await db.execute(sql`select amount_nanos::text as amount, details from ledger_entries where account_id = ${a.account.id} and details->>'batch_id' = ${batch.id}`),
    );
    expect(ledger).toHaveLength(8);
    expect(ledger.reduce((s, r) => s - BigInt(r.amount as string), 0n)).toBe(expected);
    for (const r of ledger) {
      const d = r.details as Json;
      expect(d.batch).toBe(true);
      expect(Object.keys(d.quantities as Json).sort()).toEqual(["batch_input_token", "batch_output_token"]);
      expect(d.unit_prices_nanos).toEqual({ batch_input_token: "900", batch_output_token: "4000" });
    }
    const [lines] = rowsOf(await db.execute(sql`select sum(cost_nanos)::text as cost, count(*)::int as n from batch_lines where batch_id = ${batch.id}`));
    expect(BigInt(lines!.cost as string)).toBe(expected);
    // The hourly rollups the usage pages read count these requests as batch requests.
    const [hourly] = rowsOf(await db.execute(sql`select coalesce(sum(requests), 0)::int as n, coalesce(sum(cost_nanos), 0)::text as cost
      from usage_hourly where account_id = ${a.account.id} and batch`));
    expect(hourly!.n).toBeGreaterThanOrEqual(8);
    const left = rowsOf(await db.execute(sql`select 1 from reservations where batch_id = ${batch.id}`));
    expect(left).toHaveLength(0);
  });

  it("tries a line again after a transient failure of its backend, unbilled; a line whose backend stays down goes to the error file", async () => {
    const client = clientFor(a.secret);
    const { batch } = await runBatch(client, [
      chatLine("flaky-1", "overloaded once", { fake: { failTimes: 1 } }),
      chatLine("flaky-2", "overloaded once too", { fake: { failTimes: 1 } }),
      chatLine("steady", "never overloaded"),
      { custom_id: "down", method: "POST", url: "/v1/chat/completions", body: { model: "down", messages: [{ role: "user", content: "anyone?" }], max_tokens: 5 } },
    ]);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toMatchObject({ total: 4, completed: 3, failed: 1 });
    const out = await readResults(client, batch.output_file_id);
    expect([...out.keys()].sort()).toEqual(["flaky-1", "flaky-2", "steady"]);
    for (const l of out.values()) expect((l.response as Json).status_code).toBe(200);
    const errors = await readResults(client, batch.error_file_id);
    expect(((errors.get("down")!.response as Json).status_code as number)).toBe(503);
    // The backend that stayed down was asked more than once (until its circuit opened).
    expect(down.requests.filter((r) => r.path.endsWith("/chat/completions")).length).toBeGreaterThanOrEqual(2);
    // One usage row per line: the failed tries are neither recorded nor billed.
    await server.runtime.gateway.options.recorder.flush();
    const db = await getDb();
    const events = rowsOf(await db.execute(sql`select status from usage_events where batch_id = ${batch.id} order by status`));
    expect(events.map((e) => e.status)).toEqual([200, 200, 200, 503]);
  });

  it("cancels a batch mid-way: lines in flight finish, the rest are reported cancelled", async () => {
    const client = clientFor(a.secret);
    let batch = await client.batches.cancel((await startSlowBatch(client, "c")).id);
    expect(batch.status).toBe("cancelling");
    expect(batch.cancelling_at).toBeGreaterThan(0);
    while (batch.status === "cancelling") {
      await new Promise((r) => setTimeout(r, 100));
      batch = await client.batches.retrieve(batch.id);
    }
    expect(batch.status).toBe("cancelled");
    expect(batch.cancelled_at).toBeGreaterThan(0);
    const { total, completed, failed } = batch.request_counts!;
    expect(total).toBe(40);
    expect(completed).toBeGreaterThanOrEqual(4);
    expect(completed).toBeLessThan(40);
    expect(completed + failed).toBe(40);
    const output = await readResults(client, batch.output_file_id);
    const errors = await readResults(client, batch.error_file_id);
    expect(output.size).toBe(completed);
    expect(errors.size).toBe(failed);
    for (const line of errors.values()) expect((line.error as Json).code).toBe("batch_cancelled");
    await expect(client.batches.cancel(batch.id)).rejects.toMatchObject({ status: 409 });
  });

  it("puts live traffic first: beside a live request, one line at a time; alone, up to the instance's concurrency", async () => {
    const client = clientFor(a.secret);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    /** The most lines at the backend at once over `ms`. */
    const mostAtOnce = async (ms: number) => {
      let most = 0;
      for (const end = Date.now() + ms; Date.now() < end; await sleep(5)) most = Math.max(most, fake.inFlight);
      return most;
    };
    // 100 lines of 100 ms each.
    const lines = Array.from({ length: 100 }, (_, i) => chatLine(`p-${i}`, "paced", { fake: { tokens: 5, delayMs: 20 } }));
    const file = await client.files.create({ file: await toFile(Buffer.from(jsonl(lines)), "paced.jsonl"), purpose: "batch" });
    let batch = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    while (batch.request_counts!.completed < 4) {
      await sleep(50);
      batch = await client.batches.retrieve(batch.id);
    }
    // Alone: the instance's 4 at once, never more.
    const alone = await mostAtOnce(600);
    expect(alone).toBeGreaterThanOrEqual(3);
    expect(alone).toBeLessThanOrEqual(4);

    // A live request of about 2 s: the lines already at the backend finish, then one runs at a time, and the batch keeps going.
    const live = client.chat.completions.create({ model: "live", messages: [{ role: "user", content: "first" }], max_tokens: 5, fake: { tokens: 5, delayMs: 400 } } as never);
    while (liveBackend.inFlight === 0) await sleep(5);
    await sleep(300);
    const before = (await client.batches.retrieve(batch.id)).request_counts!.completed;
    const beside = await mostAtOnce(1200);
    const after = (await client.batches.retrieve(batch.id)).request_counts!.completed;
    expect(liveBackend.inFlight).toBe(1);
    await live;
    expect(beside).toBe(1);
    expect(after).toBeGreaterThan(before);

    while (!["completed", "failed"].includes(batch.status)) {
      await sleep(100);
      batch = await client.batches.retrieve(batch.id);
    }
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toMatchObject({ total: 100, completed: 100, failed: 0 });
  });

  it("expires a batch at the end of its window: finished lines delivered, the rest reported expired", async () => {
    const client = clientFor(a.secret);
    let batch = await startSlowBatch(client, "e");
    // The window ends now (as it would 24 hours after creation).
    await (await getDb()).execute(sql`update batches set expires_at = now() where id = ${batch.id}`);
    while (batch.status === "in_progress") {
      await new Promise((r) => setTimeout(r, 100));
      batch = await client.batches.retrieve(batch.id);
    }
    expect(batch.status).toBe("expired");
    expect(batch.expired_at).toBeGreaterThan(0);
    const { completed, failed } = batch.request_counts!;
    expect(completed).toBeGreaterThanOrEqual(4);
    expect(completed + failed).toBe(40);
    const output = await readResults(client, batch.output_file_id);
    const errors = await readResults(client, batch.error_file_id);
    expect(output.size).toBe(completed);
    for (const line of output.values()) expect((line.response as Json).status_code).toBe(200);
    expect(errors.size).toBe(failed);
    for (const line of errors.values()) expect((line.error as Json).code).toBe("batch_expired");
  });

  it("another account gets 404 for every file and batch operation, and sees none in its lists", async () => {
    const owner = clientFor(a.secret);
    const other = clientFor(b.secret);
    const { file, batch } = await runBatch(owner, [chatLine("t-1", "private")]);
    const notFound = { status: 404 };
    await expect(other.files.retrieve(file.id)).rejects.toMatchObject(notFound);
    await expect(other.files.content(file.id)).rejects.toMatchObject(notFound);
    await expect(other.files.content(batch.output_file_id!)).rejects.toMatchObject(notFound);
    await expect(other.files.delete(file.id)).rejects.toMatchObject(notFound);
    await expect(other.batches.retrieve(batch.id)).rejects.toMatchObject(notFound);
    await expect(other.batches.cancel(batch.id)).rejects.toMatchObject(notFound);
    await expect(other.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" })).rejects.toMatchObject(notFound);
    expect((await other.files.list()).data).toEqual([]);
    expect((await other.batches.list()).data).toEqual([]);
    // Still there for its owner.
    expect((await owner.files.retrieve(file.id)).id).toBe(file.id);
    expect((await owner.batches.list()).data.map((x) => x.id)).toContain(batch.id);
    expect(await owner.files.delete(file.id)).toMatchObject({ id: file.id, deleted: true });
    await expect(owner.files.retrieve(file.id)).rejects.toMatchObject(notFound);
  });

  it("refuses bad uploads and batch requests with clear errors", async () => {
    const client = clientFor(a.secret);
    await expect(client.files.create({ file: await toFile(Buffer.from("{}\n"), "x.jsonl"), purpose: "fine-tune" })).rejects.toMatchObject({
      status: 400,
      param: "purpose",
    });
    await expect(client.files.create({ file: await toFile(Buffer.from(""), "x.jsonl"), purpose: "batch" })).rejects.toMatchObject({ status: 400 });
    const file = await client.files.create({ file: await toFile(Buffer.from(jsonl([chatLine("x", "y")])), "x.jsonl"), purpose: "batch" });
    await expect(client.batches.create({ input_file_id: file.id, endpoint: "/v1/audio/speech" as never, completion_window: "24h" })).rejects.toMatchObject({
      status: 400,
      param: "endpoint",
    });
    await expect(client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "1h" as never })).rejects.toMatchObject({
      status: 400,
      param: "completion_window",
    });
    await expect(client.batches.create({ input_file_id: "file-nope", endpoint: "/v1/chat/completions", completion_window: "24h" })).rejects.toMatchObject({
      status: 404,
    });
    const small = await startGatewayServer({ maxFileBytes: 1000 });
    try {
      const res = await fetch(`${small.url}/v1/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.secret}` },
        body: (() => {
          const form = new FormData();
          form.append("purpose", "batch");
          form.append("file", new Blob(["x".repeat(5000)]), "big.jsonl");
          return form;
        })(),
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: Json }).error.code).toBe("file_too_large");
    } finally {
      await small.close();
    }
    // Nothing of the refused uploads stayed in storage.
    const stored = await fs.readdir(path.join(filesDir, a.account.id));
    const known = (await client.files.list()).data.map((f) => f.id);
    expect(stored.filter((f) => !known.includes(f))).toEqual([]);
  });
});
