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
import { EnvError, env } from "./lib/env";
import { getGatewayRuntime, stopGatewayRuntime } from "./lib/gateway";
import { apiListener } from "./lib/gateway/node";
import { registerEmbeddedModels } from "./lib/engine/register";
import { watchModelsFolder } from "./lib/engine/watch";
import { announceReady } from "./lib/start-banner";
import { healthReport } from "./lib/health";
import { log } from "./lib/log";

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
  await registerEmbeddedModels();
  const runtime = getGatewayRuntime();
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
    fallback = (req, res) => void handleNext(req, res, parse(req.url ?? "/", true));
  }

  const server = http.createServer(apiListener((request) => runtime.gateway.handle(request), fallback));
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 0;

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

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down: draining requests", { signal, inFlight: runtime.gateway.inFlight });
    stopWatching();
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + 30_000;
    while (runtime.gateway.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await stopGatewayRuntime();
    server.closeAllConnections();
    await closeAgents();
    await closeDatabase();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`llmaas failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
