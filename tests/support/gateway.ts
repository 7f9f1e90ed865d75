import { randomUUID } from "node:crypto";
import http from "node:http";
import { type Hold, type LimitVersions, reserveLimits } from "@/db/queries/limits";
import { createAccount } from "@/lib/accounts";
import { createUser } from "@/lib/users";
import { addBackend } from "@/lib/backends/registry";
import { addModel } from "@/lib/models/manage";
import { BackendRouter, type RouterOptions } from "@/lib/backends/router";
import { PriceBook } from "@/lib/billing/prices";
import { createKey } from "@/lib/keys/manage";
import { createGateway, startGateway, type GatewayRuntime } from "@/lib/gateway";
import { Catalogue } from "@/lib/gateway/catalogue";
import type { Limiter } from "@/lib/gateway/context";
import { apiListener } from "@/lib/gateway/node";
import { UsageRecorder } from "@/lib/gateway/usage";
import { listenOnLoopback } from "./listen";

export interface TestServer {
  url: string;
  runtime: GatewayRuntime;
  close(): Promise<void>;
}

/** The gateway behind the same Node listener the production server uses, on a free port. */
export async function startGatewayServer(
  options: {
    limiter?: Limiter;
    prices?: PriceBook;
    router?: RouterOptions;
    maxBodyBytes?: number;
    maxAudioBytes?: number;
    maxFileBytes?: number;
    allowRemoteImages?: boolean;
    /** Batch lines this server runs at once; none unless asked. */
    batchConcurrency?: number;
    batchRetryDelaysMs?: number[];
  } = {},
): Promise<TestServer> {
  const gateway = createGateway({
    catalogue: new Catalogue({ refreshMs: 200, missRefreshMs: 0 }),
    router: new BackendRouter({ healthIntervalMs: 60_000, ...options.router }),
    recorder: new UsageRecorder({ flushIntervalMs: 50 }),
    prices: options.prices ?? new PriceBook(200),
    limiter: options.limiter,
    maxBodyBytes: options.maxBodyBytes,
    maxAudioBytes: options.maxAudioBytes,
    maxFileBytes: options.maxFileBytes,
    allowRemoteImages: options.allowRemoteImages,
  });
  const runtime = startGateway(gateway, { batchConcurrency: options.batchConcurrency ?? 0, batchRetryDelaysMs: options.batchRetryDelaysMs });
  const server = http.createServer(
    apiListener(
      (r) => gateway.reply(r),
      (_req, res) => {
        res.writeHead(404);
        res.end();
      },
    ),
  );
  const url = await listenOnLoopback(server);
  return {
    url,
    runtime,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.stop();
    },
  };
}

let seq = 0;

/** An account with one admin user and an API key. */
export async function createTenant(options: { tier?: string; models?: string[]; name?: string } = {}) {
  const name = options.name ?? `tenant-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
  const account = await createAccount({ name, tier: options.tier ?? "Monthly Billing" });
  const user = await createUser({ email: `${name}@example.test`, password: "password-123", account: name, role: "admin" });
  const { key, secret } = await createKey({ userId: user.id, name: "test", models: options.models });
  return { account, user, key, secret };
}

/** Register a fake backend and models on it: each model's upstream id picks the fake's behaviour. */
export async function registerBackend(
  name: string,
  url: string,
  models: { id: string; upstream: string; capabilities?: string[]; aliases?: string[]; maxModelLen?: number }[],
  engine: "openai" | "ollama" = "openai",
) {
  await addBackend({ name, engine, url, machine: `${name}-machine` });
  for (const m of models) {
    await addModel({
      id: m.id,
      backend: name,
      upstreamId: m.upstream,
      capabilities: (m.capabilities ?? ["chat", "tools", "vision"]) as never,
      aliases: m.aliases ?? [],
      maxModelLen: m.maxModelLen ?? 8192,
    });
  }
}

/**
 * A reservation in the database for a tenant's key, as the limits' exact path takes one (no balance hold, no
 * prices): `holds` under the limits' `versions`, on behalf of `instanceId`.
 */
export function reserveForTenant(
  t: Awaited<ReturnType<typeof createTenant>>,
  options: { reservationId?: string; instanceId: string; modelId: string; holds: Hold[]; versions: LimitVersions },
) {
  const reservationId = options.reservationId ?? randomUUID();
  return reserveLimits({
    reservationId,
    requestId: `req-${reservationId}`,
    accountId: t.account.id,
    keyId: t.key.id,
    userId: t.user.id,
    instanceId: options.instanceId,
    modelId: options.modelId,
    endpoint: "/v1/chat/completions",
    holds: options.holds,
    balanceHold: 0n,
    enforceBalance: false,
    activationNanos: null,
    prices: {},
    promptTokens: 1,
    versions: options.versions,
  });
}
