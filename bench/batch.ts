/*
 * The batch queue on one instance: 10,000 chat lines against a fake backend
 * that answers at once, worked by the instance's background worker on a real
 * Postgres server. Reports lines per second alone and beside live traffic,
 * and what the batch does to live traffic: p50 latency of live requests (4 at
 * a time) in alternating phases with the batch paused and running (20 × 120
 * each), so that load from elsewhere on the machine weighs on both alike.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { closeDatabase } from "@/db/client";
import { LocalFileStorage, setFileStorage } from "@/lib/batch/storage";
import { env } from "@/lib/env";
import { startGateway } from "@/lib/gateway";
import { benchGatewayWith, benchSetup } from "./support/setup";

const LINES = Number(process.env.BENCH_BATCH_LINES ?? 10_000);
const LIVE_CONCURRENCY = 4;
/** Alternating phases of live traffic with the batch paused, then running; requests per phase. */
const PHASES = 20;
const PER_PHASE = 120;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function benchBatch() {
  const { fake, tenant } = await benchSetup();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "llmaas-bench-files-"));
  setFileStorage(new LocalFileStorage(dir));
  const gateway = benchGatewayWith({ limits: true });
  const concurrency = env().LLMAAS_BATCH_CONCURRENCY || 4;
  const runtime = startGateway(gateway, { batchConcurrency: concurrency });
  const auth = { authorization: `Bearer ${tenant.secret}` };

  const liveBody = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hello" }], max_tokens: 16, fake: { tokens: 16 } });
  const live = async () => {
    const t0 = performance.now();
    const res = await gateway.handle(new Request("http://bench/v1/chat/completions", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: liveBody }));
    await res.text();
    if (res.status !== 200) throw new Error(`live request: status ${res.status}`);
    return performance.now() - t0;
  };
  /** Live requests at LIVE_CONCURRENCY until `count` are done (or `until` resolves); their latencies, sorted. */
  const liveLoad = async (opts: { count?: number; until?: Promise<unknown> }) => {
    const latencies: number[] = [];
    let over = false;
    void opts.until?.then(() => (over = true));
    await Promise.all(
      Array.from({ length: LIVE_CONCURRENCY }, async () => {
        while (!over && (opts.count === undefined || latencies.length < opts.count)) latencies.push(await live());
      }),
    );
    return latencies.sort((a, b) => a - b);
  };

  for (let i = 0; i < 200; i++) await live(); // warm caches and connections

  const lines = Array.from({ length: LINES }, (_, i) =>
    JSON.stringify({ custom_id: `l${i}`, method: "POST", url: "/v1/chat/completions", body: { model: "m", messages: [{ role: "user", content: `line ${i}` }], max_tokens: 16, fake: { tokens: 16 } } }),
  ).join("\n");
  const form = new FormData();
  form.append("purpose", "batch");
  form.append("file", new Blob([lines]), "bench.jsonl");
  const upload = await gateway.handle(new Request("http://bench/v1/files", { method: "POST", headers: auth, body: form }));
  const file = (await upload.json()) as { id: string };
  const t0 = performance.now();
  const created = await gateway.handle(
    new Request("http://bench/v1/batches", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" }),
    }),
  );
  const batch = (await created.json()) as { id: string };
  const status = async () => {
    const res = await gateway.handle(new Request(`http://bench/v1/batches/${batch.id}`, { headers: auth }));
    return (await res.json()) as { status: string; request_counts: { completed: number; failed: number } };
  };
  while ((await status()).status !== "in_progress") await new Promise((r) => setTimeout(r, 20));

  // Live traffic with the batch paused and running, in alternating phases, so that the machine's other
  // load weighs on both sides alike.
  const worker = runtime.batchWorker!;
  const off: number[] = [];
  const on: number[] = [];
  let underLive = 0;
  let liveSeconds = 0;
  for (let phase = 0; phase < PHASES; phase++) {
    await worker.stop();
    off.push(...(await liveLoad({ count: PER_PHASE })));
    worker.start();
    const c0 = (await status()).request_counts.completed;
    const p0 = performance.now();
    on.push(...(await liveLoad({ count: PER_PHASE })));
    liveSeconds += (performance.now() - p0) / 1000;
    underLive += (await status()).request_counts.completed - c0;
  }
  off.sort((a, b) => a - b);
  on.sort((a, b) => a - b);

  // Then the batch alone, to its end.
  const c1 = (await status()).request_counts.completed;
  const alone0 = performance.now();
  let finished = await status();
  while (finished.status !== "completed") {
    if (["failed", "expired", "cancelled"].includes(finished.status)) throw new Error(`batch ${finished.status}`);
    await new Promise((r) => setTimeout(r, 200));
    finished = await status();
  }
  const aloneSeconds = (performance.now() - alone0) / 1000;
  const wall = (performance.now() - t0) / 1000;

  await runtime.stop();
  await fake.close();
  await closeDatabase();
  setFileStorage(undefined);
  await fs.rm(dir, { recursive: true, force: true });

  const p50Off = percentile(off, 50);
  const p50On = percentile(on, 50);
  console.log(`\nBatch: ${LINES} chat lines, up to ${concurrency} in flight on one instance, fake backend answering at once, Postgres`);
  console.table([
    {
      "lines completed": finished.request_counts.completed,
      "seconds (create → completed)": wall.toFixed(1),
      "lines/s alone": Math.round((LINES - c1) / aloneSeconds),
      "lines/s beside live traffic": Math.round(underLive / liveSeconds),
    },
  ]);
  console.table([
    { live: "batch paused", requests: off.length, "p50 ms": p50Off.toFixed(2), "p99 ms": percentile(off, 99).toFixed(2) },
    { live: "batch running", requests: on.length, "p50 ms": p50On.toFixed(2), "p99 ms": percentile(on, 99).toFixed(2) },
  ]);
  console.log(`live p50 added while the batch runs: ${(p50On - p50Off).toFixed(2)} ms (${(((p50On - p50Off) / p50Off) * 100).toFixed(1)} %; target under 10 %)`);
}
