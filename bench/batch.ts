/*
 * The batch queue on one instance: 10,000 chat lines against a fake backend
 * that answers at once, worked by the instance's background worker on a real
 * Postgres server. Reports lines per second, and what the batch does to live
 * traffic: p50 latency of 2,000 live requests (4 at a time) without a batch,
 * and of 2,000 more while the batch runs.
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

  for (let i = 0; i < 100; i++) await live(); // warm caches and connections
  const before = await liveLoad({ count: 2000 });

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
  let startedAt = 0;
  const done = (async () => {
    for (;;) {
      const res = await gateway.handle(new Request(`http://bench/v1/batches/${batch.id}`, { headers: auth }));
      const b = (await res.json()) as { status: string; request_counts: { completed: number } };
      if (b.status === "in_progress" && !startedAt) startedAt = performance.now();
      if (b.status === "completed") return b;
      if (["failed", "expired", "cancelled"].includes(b.status)) throw new Error(`batch ${b.status}`);
      // About as often as a client would poll (more often until the lines start).
      await new Promise((r) => setTimeout(r, startedAt ? 1000 : 50));
    }
  })();
  // Live traffic while the batch's lines run (its first part), then the batch alone.
  while (!startedAt) await new Promise((r) => setTimeout(r, 20));
  const during = await liveLoad({ count: 2000, until: done });
  const finished = await done;
  const wall = (performance.now() - t0) / 1000;
  const running = (performance.now() - (startedAt || t0)) / 1000;

  await runtime.stop();
  await fake.close();
  await closeDatabase();
  setFileStorage(undefined);
  await fs.rm(dir, { recursive: true, force: true });

  const p50Before = percentile(before, 50);
  const p50During = percentile(during, 50);
  console.log(`\nBatch: ${LINES} chat lines, ${concurrency} in flight on one instance, fake backend answering at once, Postgres`);
  console.table([
    {
      "lines completed": finished.request_counts.completed,
      "seconds (create → completed)": wall.toFixed(1),
      "lines/s (overall)": Math.round(LINES / wall),
      "lines/s (while in progress)": Math.round(LINES / running),
    },
  ]);
  console.table([
    { live: "without batch", requests: before.length, "p50 ms": p50Before.toFixed(2), "p99 ms": percentile(before, 99).toFixed(2) },
    { live: "with batch running", requests: during.length, "p50 ms": p50During.toFixed(2), "p99 ms": percentile(during, 99).toFixed(2) },
  ]);
  console.log(`live p50 added while the batch runs: ${(p50During - p50Before).toFixed(2)} ms (${(((p50During - p50Before) / p50Before) * 100).toFixed(1)} %)`);
}
