import { ensureUsagePartitions, getDb } from "@/db/client";
import { env } from "../env";
import { BackendRouter } from "../backends/router";
import { PriceBook } from "../billing/prices";
import { watchKeyChanges } from "../keys/cache";
import { startAlerts } from "../alerts/alerts";
import { BatchWorker } from "../batch/worker";
import { DbLimiter } from "../limits/limiter";
import { startSweeper } from "../limits/sweeper";
import { parseCorsOrigins } from "./cors";
import { Catalogue } from "./catalogue";
import { watchConfig } from "./config-watch";
import type { Limiter } from "./context";
import { BATCH_ENDPOINTS } from "./endpoints/batches";
import { chatCompletions } from "./endpoints/chat";
import { completions } from "./endpoints/completions";
import { embeddings } from "./endpoints/embeddings";
import { FILE_ENDPOINTS } from "./endpoints/files";
import { imageGenerations } from "./endpoints/images";
import { listModelsEndpoint, retrieveModelEndpoint } from "./endpoints/models";
import { rerankV1, rerankV2 } from "./endpoints/rerank";
import { speech } from "./endpoints/speech";
import { transcriptions, translations } from "./endpoints/transcriptions";
import type { Endpoint } from "./endpoint";
import { Gateway, type GatewayOptions } from "./pipeline";
import { UsageRecorder } from "./usage";

/** Every endpoint of the API, each a declaration the pipeline runs (see endpoint.ts). */
export const ENDPOINTS: Endpoint[] = [
  chatCompletions,
  completions,
  embeddings,
  rerankV1,
  rerankV2,
  transcriptions,
  translations,
  speech,
  imageGenerations,
  listModelsEndpoint,
  retrieveModelEndpoint,
  ...FILE_ENDPOINTS,
  ...BATCH_ENDPOINTS,
];

/** A gateway with every endpoint; parts not given are made with their defaults. */
export function createGateway(options: Partial<GatewayOptions> = {}): Gateway {
  const e = env();
  const prices = options.prices ?? new PriceBook();
  return new Gateway({
    catalogue: options.catalogue ?? new Catalogue(),
    router: options.router ?? new BackendRouter(),
    recorder: options.recorder ?? new UsageRecorder(),
    prices,
    limiter: options.limiter ?? new DbLimiter({ prices, timezone: e.LLMAAS_TIMEZONE }),
    maxBodyBytes: options.maxBodyBytes ?? e.LLMAAS_MAX_BODY_BYTES,
    maxAudioBytes: options.maxAudioBytes ?? e.LLMAAS_MAX_AUDIO_BYTES,
    maxFileBytes: options.maxFileBytes ?? e.LLMAAS_MAX_FILE_BYTES,
    allowRemoteImages: options.allowRemoteImages ?? e.LLMAAS_ALLOW_REMOTE_IMAGES,
    cors: options.cors !== undefined ? options.cors : parseCorsOrigins(e.LLMAAS_CORS_ORIGINS),
  }).register(...ENDPOINTS);
}

export interface GatewayRuntime {
  gateway: Gateway;
  /** This instance's share of the batch queue; null when it works no batches. */
  batchWorker: BatchWorker | null;
  stop(): Promise<void>;
}

/**
 * Start the background work a serving gateway needs: caches, health checks,
 * usage writes, revocations, and batch lines (`batchConcurrency` at once,
 * LLMAAS_BATCH_CONCURRENCY by default; 0 for none).
 */
export function startGateway(gateway: Gateway, options: { batchConcurrency?: number; batchRetryDelaysMs?: number[] } = {}): GatewayRuntime {
  const { catalogue, router, recorder, prices } = gateway.options;
  const limiter = gateway.limiter instanceof DbLimiter ? gateway.limiter : null;
  limiter?.start();
  // Batches need an instance id with a heartbeat (the limiter's), so a lost worker's lines are taken over.
  const concurrency = options.batchConcurrency ?? env().LLMAAS_BATCH_CONCURRENCY;
  const batchWorker =
    limiter && concurrency > 0
      ? new BatchWorker({
          gateway,
          workerId: limiter.instanceId,
          concurrency,
          retryDelaysMs: options.batchRetryDelaysMs,
          liveIntervalMs: env().LLMAAS_BATCH_LIVE_INTERVAL_MS,
        })
      : null;
  batchWorker?.start();
  const stopSweeper = limiter ? startSweeper() : () => {};
  catalogue.start();
  prices?.start();
  recorder.start();
  router.startHealthChecks(() => catalogue.backendList());
  const stopWatching = watchKeyChanges();
  // Backends are probed as soon as they appear or change, so the console shows their health at once.
  const probed = new Map<string, string>();
  const probeChanged = () => {
    const fresh = catalogue.backendList().filter((b) => {
      const signature = JSON.stringify([b.engine, b.baseUrl, b.apiKey, b.enabled, b.timeoutMs]);
      if (probed.get(b.id) === signature) return false;
      probed.set(b.id, signature);
      router.forget(b.id);
      return true;
    });
    if (fresh.length) void router.checkHealth(fresh).catch(() => {});
  };
  // Loaded at once, so the first requests and the start banner see the catalogue as it is now.
  void catalogue.list().then(probeChanged).catch(() => {});
  const stopConfig = watchConfig(
    {
      tiers: () => limiter?.invalidate(),
      accounts: () => limiter?.invalidate(),
      catalogue: () => catalogue.reload().then(probeChanged),
      prices: () => prices?.refresh(),
    },
    undefined,
    // Changes to limits: leases taken under the old ones closed at once, and acknowledged (see lib/limits/propagation.ts).
    (versions, sentAt) => limiter?.configPolled(versions.get("limits") ?? 0, sentAt),
  );
  const stopAlerts = limiter ? startAlerts(recorder) : async () => {};
  // Next month's usage partition exists well before the month starts.
  const partitions = setInterval(() => void getDb().then((db) => ensureUsagePartitions(db)).catch(() => {}), 6 * 3_600_000);
  partitions.unref();
  return {
    gateway,
    batchWorker,
    async stop() {
      await batchWorker?.stop();
      stopWatching();
      stopConfig();
      clearInterval(partitions);
      stopSweeper();
      await limiter?.stopAndLeave();
      catalogue.stop();
      prices?.stop();
      router.stopHealthChecks();
      recorder.stop();
      await recorder.flush();
      // After the last batch: a threshold its spend crossed is raised by this instance, not left for the next request.
      await stopAlerts();
    },
  };
}

/*
 * The process's gateway, on globalThis so that the custom server and the
 * Next.js route bundles (used by `next dev`) share one.
 */
const holder = globalThis as unknown as { __llmaasGateway?: GatewayRuntime };

export function getGatewayRuntime(): GatewayRuntime {
  holder.__llmaasGateway ??= startGateway(createGateway());
  return holder.__llmaasGateway;
}

export const serveGateway = (request: Request) => getGatewayRuntime().gateway.handle(request);

export type { Limiter };

/** Stop the process's gateway (shutdown, or a test switching databases). */
export async function stopGatewayRuntime(): Promise<void> {
  const runtime = holder.__llmaasGateway;
  holder.__llmaasGateway = undefined;
  await runtime?.stop();
}
