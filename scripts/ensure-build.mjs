#!/usr/bin/env node
// Build the console when there is no production build yet, or when a source
// file changed since the last one, so `npm start` works on a fresh clone.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

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

// An instance that serves only the API (LLMAAS_API_ONLY) has no console to build.
const apiOnly = ["true", "1", "yes"].includes(String(process.env.LLMAAS_API_ONLY ?? "").toLowerCase());

const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
const changed = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
if (apiOnly) {
  // nothing to build
} else if (built === 0 || changed > built || process.env.LLMAAS_REBUILD === "1") {
  console.log(built === 0 ? "Building the console (first start)…" : "Sources changed since the last build: rebuilding the console…");
  execSync("npx next build", { cwd: root, stdio: "inherit" });
}
