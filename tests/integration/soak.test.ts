import { expect, it } from "vitest";
import { runSoak } from "@/tests/support/soak";

/*
 * A short soak (LLMAAS_SOAK_SECONDS, 20 by default here; `npm run soak` runs
 * five minutes): two instances under load, no error, memory bounded.
 * Speed figures are printed, not asserted.
 */
it("two instances under steady load: every request answered, memory bounded", async () => {
  const seconds = Number(process.env.LLMAAS_SOAK_SECONDS ?? 20);
  const report = await runSoak({ durationMs: seconds * 1000, clients: 10 });
  console.log("soak:", JSON.stringify(report));
  expect(Object.keys(report.requests).sort()).toEqual(["answered", "sent"]);
  expect(report.requests.answered).toBe(report.requests.sent);
  for (const r of report.rssMiB) expect(r.end, `instance ${r.instance} RSS`).toBeLessThan(r.start * 2 + 100);
}, 180_000);
