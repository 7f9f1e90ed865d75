/*
 * `npm run soak` (or `npm run bench soak`): two instances on one Postgres
 * under loopback load for LLMAAS_SOAK_SECONDS (default 300); prints each
 * instance's memory at start and end and the p99 of the first and last fifth.
 */
import { runSoak } from "@/tests/support/soak";

export async function benchSoak() {
  const seconds = Number(process.env.LLMAAS_SOAK_SECONDS ?? 300);
  const clients = Number(process.env.LLMAAS_SOAK_CLIENTS ?? 20);
  console.log(`soak: ${seconds} s, ${clients} clients, two instances`);
  const report = await runSoak({ durationMs: seconds * 1000, clients });
  console.log(JSON.stringify(report.requests));
  console.table(report.rssMiB.map((r) => ({ instance: r.instance, "RSS start (MiB)": r.start, "RSS end (MiB)": r.end, "RSS max (MiB)": r.max })));
  console.table([{ "requests/s": report.requestsPerSecond, "p99 first fifth (ms)": report.p99Ms.first, "p99 last fifth (ms)": report.p99Ms.last, "p99 all (ms)": report.p99Ms.all }]);
}
