#!/usr/bin/env node
// Prints the JavaScript each console page makes the browser download on first
// load, gzipped, from the production build (.next, or the folder given):
// Next.js's shared runtime plus the page's own chunks. Chunks fetched later
// (the markdown renderer, a highlighting grammar) are not counted.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import zlib from "node:zlib";

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), "..", ".next"));
if (!fs.existsSync(path.join(root, "BUILD_ID"))) {
  console.error(`No production build in ${root}: run npm run build first.`);
  process.exit(1);
}

const gzipped = new Map();
function size(file) {
  if (!gzipped.has(file)) gzipped.set(file, zlib.gzipSync(fs.readFileSync(path.join(root, file))).length);
  return gzipped.get(file);
}

function manifests(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...manifests(full));
    else if (entry.name === "page_client-reference-manifest.js") found.push(full);
  }
  return found;
}

const build = JSON.parse(fs.readFileSync(path.join(root, "build-manifest.json"), "utf8"));
const shared = build.rootMainFiles ?? [];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const rows = [];
for (const file of manifests(path.join(root, "server", "app"))) {
  const sandbox = { globalThis: {} };
  vm.runInNewContext(fs.readFileSync(file, "utf8"), sandbox);
  const [[key, manifest]] = Object.entries(sandbox.globalThis.__RSC_MANIFEST);
  const route = key.replace(/\/\([^)]+\)/g, "").replace(/\/page$/, "") || "/";
  if (route.startsWith("/_") || route.startsWith("/api/") || /^\/v\d/.test(route)) continue;
  const own = new Set(Object.values(manifest.entryJSFiles).flat());
  const initial = [...new Set([...shared, ...own])];
  rows.push({ route, first: initial.reduce((n, f) => n + size(f), 0) });
}
rows.sort((a, b) => a.route.localeCompare(b.route));
const width = Math.max(...rows.map((r) => r.route.length), 5);
console.log(`${"page".padEnd(width)}  first load (gzip)`);
for (const r of rows) console.log(`${r.route.padEnd(width)}  ${kb(r.first).padStart(9)}`);
console.log(`\nshared by every page: ${kb(shared.reduce((n, f) => n + size(f), 0))}`);
