/*
 * The batch queue on one instance: 10,000 chat lines against a fake backend
 * that answers at once, worked by the instance's background worker on a real
 * Postgres server. Reports lines per second alone and beside live traffic,
 * and what the batch does to live traffic: p50 latency of live requests in
 * alternating phases with the batch's lines paused and running, so that load
 * from elsewhere on the machine weighs on both alike (the worker keeps
 * polling in both). Two kinds of live traffic: 4 requests at a time, each
 * sent when the last is answered, which keeps the instance saturated (20 ×
 * 600 requests per side), and a steady 200 requests/s, which leaves it spare
 * capacity (20 × 1 s per side).
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
const PER_PHASE = Number(process.env.BENCH_BATCH_PHASE_REQUESTS ?? 600);
/** The steady live rate of the second scenario, and the length of each of its phases. */
const LIVE_RATE = Number(process.env.BENCH_BATCH_LIVE_RATE ?? 200);
const RATE_PHASE_MS = 1_000;

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

  /** Live requests at a steady `rate` per second for `ms` (an open loop: arrivals do not wait for answers). */
  const liveAtRate = async (rate: number, ms: number) => {
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; ; i++) {
      const due = t0 + (i * 1000) / rate;
      if (due - t0 >= ms) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(live().then((l) => void latencies.push(l)));
    }
    await Promise.all(pending);
    return latencies;
  };

  // Live traffic with the batch's lines paused and running, in alternating phases, so that the machine's
  // other load weighs on both sides alike: first traffic that keeps the instance saturated (4 at a time,
  // each sent when the last is answered), then a steady rate that leaves it spare capacity.
  const worker = runtime.batchWorker!;
  const scenarios: { name: string; load: () => Promise<number[]>; off: number[]; on: number[]; lines: number; seconds: number }[] = [
    { name: `${LIVE_CONCURRENCY} at a time (instance saturated)`, load: () => liveLoad({ count: PER_PHASE }), off: [], on: [], lines: 0, seconds: 0 },
    { name: `${LIVE_RATE} requests/s`, load: () => liveAtRate(LIVE_RATE, RATE_PHASE_MS), off: [], on: [], lines: 0, seconds: 0 },
  ];
  for (const scenario of scenarios) {
    for (let phase = 0; phase < PHASES; phase++) {
      worker.pauseLines(true);
      while (worker.linesInFlight > 0) await new Promise((r) => setTimeout(r, 5));
      scenario.off.push(...(await scenario.load()));
      worker.pauseLines(false);
      const c0 = (await status()).request_counts.completed;
      const p0 = performance.now();
      scenario.on.push(...(await scenario.load()));
      scenario.seconds += (performance.now() - p0) / 1000;
      scenario.lines += (await status()).request_counts.completed - c0;
    }
    scenario.off.sort((a, b) => a - b);
    scenario.on.sort((a, b) => a - b);
  }

  // Then the batch alone, to its end (the last phase left its lines running).
  const c1 = (await status()).request_counts.completed;
  const alone0 = performance.now();
  const cpu0 = process.cpuUsage();
  let finished = await status();
  while (finished.status !== "completed") {
    if (["failed", "expired", "cancelled"].includes(finished.status)) throw new Error(`batch ${finished.status}`);
    await new Promise((r) => setTimeout(r, 200));
    finished = await status();
  }
  const aloneSeconds = (performance.now() - alone0) / 1000;
  const cpu1 = process.cpuUsage(cpu0);
  const cpuPerLine = (cpu1.user + cpu1.system) / (LINES - c1);
  const wall = (performance.now() - t0) / 1000;

  await runtime.stop();
  await fake.close();
  await closeDatabase();
  setFileStorage(undefined);
  await fs.rm(dir, { recursive: true, force: true });

  console.log(`\nBatch: ${LINES} chat lines, up to ${concurrency} in flight on one instance, fake backend answering at once, Postgres`);
  console.table([
    {
      "lines completed": finished.request_counts.completed,
      "seconds (create → completed)": wall.toFixed(1),
      "lines/s alone": Math.round((LINES - c1) / aloneSeconds),
      "CPU per line alone": `${(cpuPerLine / 1000).toFixed(2)} ms`,
      ...Object.fromEntries(scenarios.map((s) => [`lines/s beside ${s.name}`, Math.round(s.lines / s.seconds)])),
    },
  ]);
  console.table(
    scenarios.flatMap((s) => [
      { live: s.name, batch: "paused", requests: s.off.length, "p50 ms": percentile(s.off, 50).toFixed(2), "p99 ms": percentile(s.off, 99).toFixed(2) },
      { live: s.name, batch: "running", requests: s.on.length, "p50 ms": percentile(s.on, 50).toFixed(2), "p99 ms": percentile(s.on, 99).toFixed(2) },
    ]),
  );
  for (const s of scenarios) {
    const off = percentile(s.off, 50);
    const on = percentile(s.on, 50);
    console.log(`live p50 added while the batch runs, ${s.name}: ${(on - off).toFixed(2)} ms (${(((on - off) / off) * 100).toFixed(1)} %; target under 10 %)`);
  }
}
