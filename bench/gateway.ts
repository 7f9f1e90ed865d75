/*
 * What the gateway and its limits cost on the request path: latency of a
 * non-streamed chat completion against a fake backend answering at once,
 * at concurrency 1 and 16, without limits and with limits and billing
 * (reserve, settle, ledger) on a real Postgres server.
 */
import { closeDatabase } from "@/db/client";
import { startGateway } from "@/lib/gateway";
import { benchGatewayWith, benchSetup } from "./support/setup";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchGateway() {
  const { fake, tenant } = await benchSetup();

  const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hello" }], max_tokens: 16, fake: { tokens: 16 } });
  const rows: Record<string, string | number>[] = [];
  for (const limits of [false, true]) {
    const gateway = benchGatewayWith({ limits });
    // Live requests only: no batch worker polling beside them.
    const runtime = startGateway(gateway, { batchConcurrency: 0 });
    const call = async () => {
      const t0 = performance.now();
      const res = await gateway.handle(
        new Request("http://bench/v1/chat/completions", {
          method: "POST",
          headers: { authorization: `Bearer ${tenant.secret}`, "content-type": "application/json" },
          body,
        }),
      );
      await res.text();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 50; i++) await call(); // warm caches and connections
    for (const concurrency of [1, 16]) {
      const latencies: number[] = [];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next++ < REQUESTS) latencies.push(await call());
        }),
      );
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      latencies.sort((a, b) => a - b);
      rows.push({
        limits: limits ? "on" : "off",
        concurrency,
        "req/s": Math.round((REQUESTS / wall) * 1000),
        "p50 ms": percentile(latencies, 50).toFixed(2),
        "p99 ms": percentile(latencies, 99).toFixed(2),
        "cpu ms/req (gateway+fake)": ((cpu.user + cpu.system) / 1000 / REQUESTS).toFixed(3),
      });
    }
    await runtime.stop();
  }
  await fake.close();
  await closeDatabase();

  console.log(`\nGateway: non-streamed chat completion, ${REQUESTS} requests per row, fake backend in the same process`);
  console.table(rows);
  const off1 = rows.find((r) => r.limits === "off" && r.concurrency === 1)!;
  const on1 = rows.find((r) => r.limits === "on" && r.concurrency === 1)!;
  const off16 = rows.find((r) => r.limits === "off" && r.concurrency === 16)!;
  const on16 = rows.find((r) => r.limits === "on" && r.concurrency === 16)!;
  console.log(
    `limits and billing add ${(Number(on1["p50 ms"]) - Number(off1["p50 ms"])).toFixed(2)} ms at p50 (concurrency 1), ` +
      `${(Number(on16["p50 ms"]) - Number(off16["p50 ms"])).toFixed(2)} ms at p50 (concurrency 16)`,
  );
}
