import fs from "node:fs/promises";
import http from "node:http";
import { listenOnLoopback } from "./listen";

export interface SlowFileServer {
  url: string;
  /** Requests received, with their Range header. */
  requests: { path: string; range: string | undefined }[];
  close(): Promise<void>;
}

/**
 * Serves one file at /<name> slowly, in chunks, honouring Range requests, and
 * drops the first connection after `dropAfter` bytes: what a model hub looks
 * like over a bad link. Loopback only.
 */
export async function startSlowFileServer({
  file,
  name,
  chunkBytes = 64 * 1024,
  delayMs = 20,
  dropAfter = 300 * 1024,
}: {
  file: string;
  name: string;
  chunkBytes?: number;
  delayMs?: number;
  dropAfter?: number | null;
}): Promise<SlowFileServer> {
  const data = await fs.readFile(file);
  const requests: SlowFileServer["requests"] = [];
  let dropped = dropAfter === null;
  const server = http.createServer(async (req, res) => {
    requests.push({ path: req.url ?? "", range: req.headers.range });
    if (req.url !== `/${name}`) {
      res.writeHead(404).end("not found");
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = match ? Number(match[1]) : 0;
    if (start >= data.length) {
      res.writeHead(416, { "content-range": `bytes */${data.length}` }).end();
      return;
    }
    res.writeHead(match ? 206 : 200, {
      "content-type": "application/octet-stream",
      "content-length": String(data.length - start),
      "accept-ranges": "bytes",
      ...(match ? { "content-range": `bytes ${start}-${data.length - 1}/${data.length}` } : {}),
    });
    let sent = 0;
    for (let at = start; at < data.length; at += chunkBytes) {
      if (res.destroyed) return;
      if (!dropped && sent >= dropAfter!) {
        dropped = true;
        res.destroy();
        return;
      }
      const chunk = data.subarray(at, Math.min(at + chunkBytes, data.length));
      res.write(chunk);
      sent += chunk.length;
      await new Promise((r) => setTimeout(r, delayMs));
    }
    res.end();
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
