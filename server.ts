/*
 * The platform's HTTP server. /v1/* and /v2/* go straight to the gateway
 * pipeline (no Next.js routing on the API's hot path); every other path is
 * handed to Next.js's request handler (its documented custom-server mode).
 */
import http from "node:http";
import { parse } from "node:url";
import next from "next";
import { closeDatabase, getDatabase } from "./db/client";
import { closeAgents } from "./lib/backends/http";
import { resealBackendKeys } from "./lib/backends/registry";
import { EnvError, env } from "./lib/env";
import { getGatewayRuntime, stopGatewayRuntime } from "./lib/gateway";
import { Journal } from "./lib/gateway/journal";
import { isMetricsPath, metricsHandler } from "./lib/gateway/metrics-http";
import { apiListener } from "./lib/gateway/node";
import { registerEmbeddedModels } from "./lib/engine/register";
import { watchModelsFolder } from "./lib/engine/watch";
import { announceReady } from "./lib/start-banner";
import { healthReport } from "./lib/health";
import { log } from "./lib/log";
import { pinForwardedHeaders } from "./lib/security/origin";

async function main() {
  let settings;
  try {
    settings = env();
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const dev = process.argv.includes("--dev") || settings.NODE_ENV === "development";

  const database = await getDatabase();
  const resealed = await resealBackendKeys();
  if (resealed > 0) log.info("sealed backends' API keys with the current LLMAAS_SECRET_KEY", { backends: resealed });
  await registerEmbeddedModels();
  const runtime = getGatewayRuntime();
  // Answered requests are journaled until their usage and settlement are written; what a killed process left is written now.
  const journal = new Journal(Journal.dirFor(settings.LLMAAS_DATA_DIR, database.location));
  runtime.gateway.options.recorder.useJournal(journal);
  // Models copied into (or removed from) the folder are offered (or withdrawn) without a restart.
  const stopWatching = watchModelsFolder({
    dir: settings.LLMAAS_MODELS_DIR,
    onChange: () => runtime.gateway.options.catalogue.refresh(),
  });
  let fallback: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  if (settings.LLMAAS_API_ONLY) {
    fallback = (req, res) => {
      if (req.url === "/api/health") {
        void healthReport().then(({ status, body }) => {
          res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
          res.end(JSON.stringify(body));
        });
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "This instance serves only the API", type: "invalid_request_error", param: null, code: "unknown_url" } }));
    };
  } else {
    const nextApp = next({ dev, hostname: settings.HOST, port: settings.PORT });
    const handleNext = nextApp.getRequestHandler();
    await nextApp.prepare();
    fallback = (req, res) => {
      pinForwardedHeaders(req.headers, settings.LLMAAS_PUBLIC_URL);
      void handleNext(req, res, parse(req.url ?? "/", true));
    };
  }

  let stopping = false;
  const serveMetrics = metricsHandler(runtime.gateway.metrics, settings.LLMAAS_METRICS_TOKEN ?? null);
  const api = apiListener((request) => runtime.gateway.reply(request), fallback);
  const server = http.createServer((req, res) => {
    // While draining, every answer tells the client to open its next connection elsewhere.
    if (stopping) res.setHeader("connection", "close");
    if (isMetricsPath(req.url) && settings.LLMAAS_METRICS_TOKEN) return serveMetrics(req, res);
    if (stopping && req.url === "/api/health") {
      // Readiness fails first, so load balancers stop sending before the port closes.
      res.writeHead(503, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ status: "stopping" }));
      return;
    }
    api(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 0;

  let metricsServer: http.Server | undefined;
  if (settings.LLMAAS_METRICS_PORT !== undefined) {
    const plain = metricsHandler(runtime.gateway.metrics, null);
    metricsServer = http.createServer((req, res) => {
      if (isMetricsPath(req.url)) return plain(req, res);
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Only /metrics is served on this port\n");
    });
    await new Promise<void>((resolve) => metricsServer!.listen(settings.LLMAAS_METRICS_PORT, settings.HOST, resolve));
    const m = metricsServer.address();
    log.info("metrics are served", { port: typeof m === "object" && m ? m.port : settings.LLMAAS_METRICS_PORT, path: "/metrics" });
  }

  await new Promise<void>((resolve) => server.listen(settings.PORT, settings.HOST, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : settings.PORT;
  const url = `http://${settings.HOST === "0.0.0.0" ? "localhost" : settings.HOST}:${port}`;
  log.info("llmaas is listening", {
    url,
    mode: settings.LLMAAS_API_ONLY ? "api only" : dev ? "development" : "production",
    database: `${database.driver}: ${database.location}`,
  });
  await announceReady({ url, apiOnly: settings.LLMAAS_API_ONLY, modelsDir: settings.LLMAAS_MODELS_DIR, catalogue: runtime.gateway.options.catalogue });

  /*
   * SIGTERM: stop accepting connections, let requests in flight finish (up to
   * LLMAAS_SHUTDOWN_TIMEOUT_MS), then cut what is left so every request
   * settles its reservation and records its usage, write the usage still
   * queued, leave the instance list and close the database.
   */
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const gateway = runtime.gateway;
    log.info("shutting down: draining requests", { signal, inFlight: gateway.inFlight });
    stopWatching();
    server.close();
    server.closeIdleConnections();
    metricsServer?.close();
    const deadline = Date.now() + settings.LLMAAS_SHUTDOWN_TIMEOUT_MS;
    const sleep = () => new Promise((r) => setTimeout(r, 50));
    while (gateway.inFlight > 0 && Date.now() < deadline) await sleep();
    if (gateway.inFlight > 0) log.warn("shutdown timeout: cutting requests still in flight", { inFlight: gateway.inFlight });
    // Cut connections: streams still running end as cut by the client and bill what was sent.
    server.closeAllConnections();
    const settleBy = Date.now() + 5_000;
    while ((gateway.inFlight > 0 || gateway.pendingSettlements > 0) && Date.now() < settleBy) await sleep();
    await stopGatewayRuntime();
    journal.close();
    metricsServer?.closeAllConnections();
    await closeAgents();
    await closeDatabase();
    log.info("stopped", { unsettled: gateway.pendingSettlements });
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`llmaas failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
