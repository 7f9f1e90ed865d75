#!/usr/bin/env node
/*
 * Compile the server (server.ts and what it imports from lib/ and db/) into
 * one JavaScript module, dist/server.js, with esbuild: production runs it
 * with plain node, no TypeScript loader. Packages stay in node_modules.
 * Written to a temporary file and renamed, so processes building at once
 * never read half a file.
 */
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const serverOutfile = path.join(root, "dist", "server.js");
/** What the compiled server is made of: a change to any of them calls for a new build. */
export const serverSources = ["server.ts", "lib", "db", "package.json", "tsconfig.json"];

export async function buildServer() {
  const result = await build({
    entryPoints: [path.join(root, "server.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    sourcemap: "linked",
    write: false,
    outfile: serverOutfile,
    logLevel: "warning",
  });
  fs.mkdirSync(path.dirname(serverOutfile), { recursive: true });
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  await buildServer();
}
