#!/usr/bin/env node
/*
 * Proves the production start works from a clean `npm ci --omit=dev`: copies
 * the project as the container image holds it (committed files and the
 * console build, no tests) to a temporary folder, installs production
 * dependencies only, runs `npm start` there on a fresh embedded database,
 * and checks the console, the API and the CLI answer, then that SIGTERM
 * stops it cleanly. `npm run check:production`; builds the console first if needed.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const step = (s) => console.log(`check:production: ${s}`);
const fail = (s) => {
  console.error(`check:production: FAILED: ${s}`);
  process.exit(1);
};

step("console build");
execFileSync(process.execPath, [path.join(root, "scripts/ensure-build.mjs")], { cwd: root, stdio: "inherit" });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmaas-production-"));
const app = path.join(dir, "app");
step(`copying the image's files to ${app}`);
const excluded = fs
  .readFileSync(path.join(root, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));
const files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
for (const file of files) {
  if (excluded.some((e) => file === e || file.startsWith(`${e}/`))) continue;
  if (!fs.existsSync(path.join(root, file))) continue;
  fs.mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
  fs.cpSync(path.join(root, file), path.join(app, file), { preserveTimestamps: true });
}
fs.cpSync(path.join(root, ".next"), path.join(app, ".next"), { recursive: true, preserveTimestamps: true, filter: (src) => !src.includes(`${path.sep}.next${path.sep}cache`) });

step("npm ci --omit=dev");
execFileSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund"], { cwd: app, stdio: "inherit" });
// typescript and @playwright/test may come as peers of production packages; test tools must not.
for (const dev of ["vitest", "drizzle-kit", "@langchain/openai"]) if (fs.existsSync(path.join(app, "node_modules", dev))) fail(`a dev dependency was installed: ${dev}`);

step("npm start");
const server = spawn("npm", ["start"], {
  cwd: app,
  detached: true,
  env: { ...process.env, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", LLMAAS_DATA_DIR: path.join(dir, "data"), DATABASE_URL: "" },
  stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no "listening" line in 120 s:\n${output}`)), 120_000);
  const onData = (d) => {
    output += d;
    const m = /"message":"llmaas is listening","url":"([^"]+)"/.exec(output);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  server.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
}).catch((err) => fail(err.message));
const exited = new Promise((resolve) => server.once("exit", (code, signal) => resolve(code ?? signal)));

const health = await fetch(`${url}/api/health`);
if (health.status !== 200) fail(`/api/health answered ${health.status}`);
const page = await fetch(`${url}/`);
const html = await page.text();
if (page.status !== 200 || !html.includes("<html")) fail(`the console answered ${page.status}`);
const models = await fetch(`${url}/v1/models`);
const body = await models.json();
if (models.status !== 401 || body.error?.code !== "invalid_api_key") fail(`/v1/models without a key answered ${models.status}`);
const help = execFileSync(process.execPath, ["bin/llmaas.mjs", "--help"], { cwd: app, encoding: "utf8" });
if (!help.includes("Usage: llmaas")) fail("the CLI did not print its help");
step(`console ${page.status}, health ${health.status}, API ${models.status} ${body.error.code}, CLI help ok`);

// The whole group, as a container runtime or a terminal's Ctrl-C would: npm itself ends by the signal,
// the server drains and must say it stopped.
process.kill(-server.pid, "SIGTERM");
const code = await exited;
if ((code !== 0 && code !== "SIGTERM") || !output.includes('"message":"stopped"')) fail(`npm start ended with ${code} after SIGTERM:\n${output.slice(-2000)}`);
step("stopped cleanly on SIGTERM");
fs.rmSync(dir, { recursive: true, force: true });
step("ok");
