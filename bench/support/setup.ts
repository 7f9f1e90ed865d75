import { setDatabase } from "@/db/client";
import { BackendRouter } from "@/lib/backends/router";
import { PriceBook } from "@/lib/billing/prices";
import { createGateway } from "@/lib/gateway";
import { Catalogue } from "@/lib/gateway/catalogue";
import { noLimits } from "@/lib/gateway/context";
import { UsageRecorder } from "@/lib/gateway/usage";
import { DbLimiter } from "@/lib/limits/limiter";
import { createTier } from "@/lib/limits/tiers";
import { openScratchPg } from "@/tests/support/databases";
import { startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";

/**
 * What the gateway benches share: a scratch Postgres database, a fake backend
 * answering at once with model "m", and a tenant whose tier takes every
 * kind of hold (windows and a monthly cap, post-paid) at a rate the bench cannot hit.
 */
export async function benchSetup() {
  const db = await openScratchPg({ max: 20 });
  setDatabase(db);
  const fake = await startFakeOpenAI({ machine: "bench" });
  await registerBackend("bench", fake.url, [{ id: "m", upstream: "echo" }]);
  await createTier({ name: "Bench", postpaid: true, monthlyLimit: "100000", outputTokensPerHour: 1e12, outputTokensPerDay: 1e12, requestsPerMinute: 1e9 });
  const tenant = await createTenant({ tier: "Bench" });
  return { fake, tenant };
}

/** A gateway with production parts, with or without limits and billing. */
export function benchGatewayWith({ limits }: { limits: boolean }) {
  const prices = new PriceBook();
  return createGateway({
    catalogue: new Catalogue(),
    router: new BackendRouter(),
    recorder: new UsageRecorder(),
    prices,
    limiter: limits ? new DbLimiter({ prices, timezone: "UTC" }) : noLimits,
  });
}
