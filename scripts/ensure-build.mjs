#!/usr/bin/env node
// Build what `npm start` runs when it is missing or older than its sources, so
// `npm start` works on a fresh clone: the compiled server (dist/server.js,
// about a second) and, unless the instance serves only the API, the console.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildServer, serverOutfile, serverSources } from "./build-server.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const marker = path.join(root, ".next", "BUILD_ID");
const sources = ["app", "components", "lib", "db", "public", "auth.ts", "proxy.ts", "next.config.ts", "package.json", "postcss.config.mjs"];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}
const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);
const newest = (list) => Math.max(...list.map((s) => newestMtime(path.join(root, s))));
const rebuild = process.env.LLMAAS_REBUILD === "1";

const serverBuilt = mtime(serverOutfile);
if (serverBuilt === 0 || newest(serverSources) > serverBuilt || rebuild) {
  console.log("Compiling the server…");
  await buildServer();
}

// An instance that serves only the API (LLMAAS_API_ONLY) has no console to build.
const apiOnly = ["true", "1", "yes"].includes(String(process.env.LLMAAS_API_ONLY ?? "").toLowerCase());
const built = mtime(marker);
if (!apiOnly && (built === 0 || newest(sources) > built || rebuild)) {
  console.log(built === 0 ? "Building the console (first start)…" : "Sources changed since the last build: rebuilding the console…");
  execSync("npx next build", { cwd: root, stdio: "inherit" });
}
