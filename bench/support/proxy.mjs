#!/usr/bin/env node
/*
 * The floor of any Node gateway: a bare HTTP pass-through proxy that forwards
 * each request to the engine over kept-alive connections and pipes the answer
 * back, with no parsing, auth, limits or billing. The gateway benchmark runs it
 * on the gateway's CPU so the gateway's figures can be read against it.
 * `node bench/support/proxy.mjs PORT UPSTREAM_PORT`.
 */
import http from "node:http";

const port = Number(process.argv[2]);
const upstreamPort = Number(process.argv[3]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const server = http.createServer((req, res) => {
  const up = http.request({ host: "127.0.0.1", port: upstreamPort, path: req.url, method: req.method, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  up.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 30_000;
server.listen(port, "127.0.0.1", () => console.log(`proxy listening on ${port}`));
