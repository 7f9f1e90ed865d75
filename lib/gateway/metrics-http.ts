import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayMetrics } from "./metrics";

const envelope = (message: string, code: string) =>
  JSON.stringify({ error: { message, type: code === "invalid_api_key" ? "authentication_error" : "invalid_request_error", param: null, code } });

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** GET /metrics in Prometheus' text format; with `token`, only for `Authorization: Bearer <token>`. */
export function metricsHandler(metrics: GatewayMetrics, token: string | null) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "application/json", allow: "GET" });
      res.end(envelope(`Method ${req.method} is not allowed on /metrics`, "method_not_allowed"));
      return;
    }
    if (token !== null && !tokenMatches(req.headers.authorization, token)) {
      res.writeHead(401, { "content-type": "application/json", "www-authenticate": "Bearer" });
      res.end(envelope("Invalid metrics token", "invalid_api_key"));
      return;
    }
    void metrics.text().then(
      ({ contentType, body }) => {
        res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      () => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(envelope("Metrics could not be collected", "metrics_failed"));
      },
    );
  };
}

export const isMetricsPath = (url: string | undefined) => (url ?? "").split("?")[0] === "/metrics";
