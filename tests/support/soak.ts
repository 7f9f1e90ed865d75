import fs from "node:fs";
import pg from "pg";
import { closeDatabase, setDatabase } from "@/db/client";
import { openScratchPg } from "./databases";
import { startFakeOpenAI } from "./fake-openai";
import { createTenant, registerBackend } from "./gateway";
import { startInstance } from "./instance";
import { percentile, runLoad, tally } from "./load";

/*
 * A bounded soak: two instances on one Postgres, loopback clients streaming
 * and not, for `durationMs`. Reports each instance's memory at the start and
 * the end, errors, and the p99 latency of the first and last fifth of the run.
 */

export interface SoakReport {
  durationS: number;
  clients: number;
  requests: Record<string, number>;
  requestsPerSecond: number;
  rssMiB: { instance: string; start: number; end: number; max: number }[];
  p99Ms: { first: number; last: number; all: number };
}

const rssOf = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
};

export async function runSoak({ durationMs, clients = 20 }: { durationMs: number; clients?: number }): Promise<SoakReport> {
  const db = await openScratchPg();
  setDatabase(db);
  const fake = await startFakeOpenAI({ machine: "soak" });
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  try {
    await registerBackend("soak", fake.url, [{ id: "soak-chat", upstream: "echo" }]);
    await sql.query("update tiers set requests_per_minute = 1000000");
    const { secret } = await createTenant();
    const instances = await Promise.all([startInstance({ DATABASE_URL: db.url }), startInstance({ DATABASE_URL: db.url })]);
    try {
      // A short warm-up, so the start figures are of a running server, not of one still loading code.
      await runLoad({ urlFor: (c) => instances[c % 2]!.url, secret, clients, model: "soak-chat", tokens: 8, delayMs: 2 }, new Promise((r) => setTimeout(r, 2_000)));
      const start = instances.map((i) => rssOf(i.proc.pid!));
      const max = [...start];
      const sampler = setInterval(() => instances.forEach((i, n) => (max[n] = Math.max(max[n]!, rssOf(i.proc.pid!)))), 1_000);
      const began = Date.now();
      const sent = await runLoad(
        { urlFor: (c) => instances[c % 2]!.url, secret, clients, model: "soak-chat", tokens: 8, delayMs: 2, timeoutMs: 30_000 },
        new Promise((r) => setTimeout(r, durationMs)),
      );
      clearInterval(sampler);
      const end = instances.map((i) => rssOf(i.proc.pid!));
      const fifth = durationMs / 5;
      const lat = (from: number, to: number) => sent.filter((s) => s.startedAt - began >= from && s.startedAt - began < to).map((s) => s.latencyMs);
      return {
        durationS: Math.round(durationMs / 1000),
        clients,
        requests: tally(sent),
        requestsPerSecond: Math.round(sent.length / (durationMs / 1000)),
        rssMiB: instances.map((_, n) => ({ instance: n === 0 ? "a" : "b", start: start[n]!, end: end[n]!, max: max[n]! })),
        p99Ms: { first: percentile(lat(0, fifth), 99), last: percentile(lat(durationMs - fifth, durationMs + 1), 99), all: percentile(sent.map((s) => s.latencyMs), 99) },
      };
    } finally {
      await Promise.all(instances.map((i) => i.stop("SIGTERM")));
    }
  } finally {
    await sql.end();
    await fake.close();
    await closeDatabase();
  }
}
