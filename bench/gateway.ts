/*
 * What the gateway adds on the request path, measured the way it runs in
 * production: the gateway started with the production start command (API
 * only) on a scratch database of the local Postgres server, pinned to CPU 0
 * with taskset; a fast fake engine (bench/support/engine.mjs), the load
 * generator (wrk) and this script on CPU 1. Every figure is taken against the
 * engine directly and through the gateway, with auth, limits and billing on,
 * then again with the account near its hourly token limit (where every
 * request takes its limits in the database, exactly).
 *
 * Needs wrk (`apt-get install -y wrk`) and Postgres at TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/test). BENCH_SECONDS sets the
 * length of each load row (default 5), BENCH_WARMUP the load before the first (15); with BENCH_CPU_PROF_DIR the gateway
 * writes a CPU profile (node --cpu-prof) into that folder when it stops;
 * BENCH_CPU_PROF_INTERVAL sets its sampling interval in µs (1000); BENCH_NODE_ARGS adds options to the gateway's node;
 * BENCH_ONLY=far runs only the non-streamed rows far from the limits; BENCH_PORTKEY (the path of Portkey's
 * start script) adds that gateway's rows beside them; BENCH_ROUNDS (3) sets how many alternating rounds each far row
 * is the median of.
 * Each row says how much of CPU 0 and CPU 1 the host took while it ran (steal time, on a virtual machine), and a
 * line after the tables what one round trip between the two CPUs costs.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { closeDatabase, getDb, setDatabase } from "@/db/client";
import { createTier } from "@/lib/limits/tiers";
import { openScratchPg } from "@/tests/support/databases";
import { createTenant, registerBackend } from "@/tests/support/gateway";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SEQUENTIAL_STREAMS = Number(process.env.BENCH_STREAMS ?? 300);
/**
 * Seconds of load before the first row. A Node process keeps compiling its hot code for tens of thousands of
 * requests (a short warm-up measures the compiler too): the rows are meant to show a gateway that has run a while.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 15);
/**
 * Rounds of the far rows: each round takes the engine's, the gateway's, the proxy's (and Portkey's) row in turn,
 * and each figure printed is the median of the rounds. A machine whose speed drifts from minute to minute moves
 * every process of a round alike, so medians of alternating rounds are what the ratios between them are read from.
 */
const ROUNDS = Math.max(1, Math.round(Number(process.env.BENCH_ROUNDS ?? 3)));
/** BENCH_ONLY=far: only the non-streamed rows far from the limits (to profile or compare one change quickly). */
const ONLY_FAR = process.env.BENCH_ONLY === "far";
const TOKENS = 16;
const root = path.resolve(import.meta.dirname, "..");
const hasTaskset = existsSync("/usr/bin/taskset") || existsSync("/bin/taskset");
const cores = os.cpus().length;
/** The gateway gets CPU 0; the engine, the load generator and this script share CPU 1. */
const pin = (cpu: number, argv: string[]) => (hasTaskset && cores > 1 ? ["taskset", "-c", String(cpu), ...argv] : argv);

interface Proc {
  proc: ChildProcess;
  pid: number;
  logs: string[];
}

function start(argv: string[], env: Record<string, string>, ready: RegExp): Promise<Proc> {
  const proc = spawn(argv[0]!, argv.slice(1), { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${argv.join(" ")} did not start:\n${logs.join("")}`)), 600_000);
    const onData = (d: Buffer) => {
      logs.push(d.toString());
      if (ready.test(logs.join(""))) {
        clearTimeout(timer);
        resolve({ proc, pid: proc.pid!, logs });
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(" ")} exited with ${code}:\n${logs.join("")}`));
    });
  });
}

async function stop(p: Proc) {
  if (p.proc.exitCode !== null) return;
  const exited = new Promise((r) => p.proc.once("exit", r));
  // The whole group: `npm start` runs node under a shell.
  try {
    process.kill(-p.pid, "SIGTERM");
  } catch {
    p.proc.kill("SIGTERM");
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (p.proc.exitCode === null) {
    try {
      process.kill(-p.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

/** The process listening on a port (the gateway's node, under npm and sh). */
function listenerPid(port: number): number {
  const out = execFileSync("ss", ["-ltnpH", `sport = :${port}`]).toString();
  const m = /pid=(\d+)/.exec(out);
  if (!m) throw new Error(`nothing listens on ${port}`);
  return Number(m[1]);
}

const TICKS = 100; // USER_HZ on Linux
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}

/**
 * Each CPU's time so far (user … steal, in ticks) and the part the host took for other guests (steal): on a
 * virtual machine that time is missing from every process, whatever its pinning, and figures move with it.
 */
function cpuClocks(): { total: number; steal: number }[] {
  const out: { total: number; steal: number }[] = [];
  for (const line of readFileSync("/proc/stat", "utf8").split("\n")) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (!m) continue;
    const v = m[2]!.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is counted in user already)
    out[Number(m[1])] = { total: v.slice(0, 8).reduce((a, b) => a + b, 0), steal: v[7] ?? 0 };
  }
  return out;
}

/** The share of CPU 0's and CPU 1's time the host took since `from`, as "0/1" percentages. */
function stealSince(from: { total: number; steal: number }[]): string {
  const now = cpuClocks();
  const pct = (cpu: number) => {
    const a = from[cpu];
    const b = now[cpu];
    if (!a || !b || b.total === a.total) return "-";
    return String(Math.round((100 * (b.steal - a.steal)) / (b.total - a.total)));
  };
  return `${pct(0)}/${pct(1)}`;
}

interface WrkResult {
  /** The share of CPU 0's and CPU 1's time the host took during the row (see cpuClocks), "%/%". */
  steal: string;
  /** CPU time per request of the measured process, in µs (wrkWithCpu). */
  cpuUs?: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  requests: number;
  errors: number;
  /** Each round's req/s, when the row is the median of several (medianOf). */
  rounds?: number[];
}

function wrk(url: string, connections: number, body: string, secret: string | null, seconds = SECONDS, extra: Record<string, string> = {}): WrkResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), "llmaas-bench-"));
  const script = path.join(dir, "post.lua");
  const headers = [
    `wrk.headers["content-type"] = "application/json"`,
    secret ? `wrk.headers["authorization"] = "Bearer ${secret}"` : "",
    ...Object.entries(extra).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`),
  ];
  writeFileSync(script, [`wrk.method = "POST"`, `wrk.body = [[${body}]]`, ...headers].join("\n"));
  try {
    const clocks = cpuClocks();
    const threads = Math.min(connections, 2);
    const out = execFileSync(pin(1, ["wrk"])[0]!, [...pin(1, ["wrk"]).slice(1), `-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url], {
      maxBuffer: 1 << 20,
    }).toString();
    const ms = (label: string) => {
      const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(out);
      if (!m) return NaN;
      const v = Number(m[1]);
      return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
    };
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((s, v) => s + Number(v), 0) : 0);
    return { steal: stealSince(clocks), rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0), p50: ms("50"), p90: ms("90"), p99: ms("99"), requests, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A wrk row and the share of a CPU the measured process used meanwhile (1 = one whole CPU; 0 when none was measured). */
interface Measured {
  r: WrkResult;
  cpu: number;
}

/** A wrk row and the share of a CPU the process `pid` used meanwhile (1 = one whole CPU). */
function wrkWithCpu(pid: number, ...args: Parameters<typeof wrk>): Measured {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  const r = wrk(...args);
  const used = cpuSeconds(pid) - c0;
  r.cpuUs = (used * 1e6) / Math.max(1, r.requests);
  return { r, cpu: used / ((performance.now() - t0) / 1000) };
}

/** CPU time per request of a row, in µs (wrkWithCpu's, or else from its share of a CPU). */
const perRequest = (cpu: number, r: WrkResult) => Math.round(r.cpuUs ?? (cpu * SECONDS * 1e6) / Math.max(1, r.requests));

const median = (values: number[]) => {
  const v = [...values].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};

/** Rounds of one row as one: each figure the median of the rounds (errors summed), with the rounds' req/s kept. */
function medianOf(rounds: Measured[]): Measured {
  if (rounds.length === 1) return rounds[0]!;
  const of = (f: (r: WrkResult) => number) => median(rounds.map((x) => f(x.r)));
  const steals = [...new Set(rounds.map((x) => x.r.steal))];
  return {
    r: {
      steal: steals.join(" "),
      rps: of((r) => r.rps),
      p50: of((r) => r.p50),
      p90: of((r) => r.p90),
      p99: of((r) => r.p99),
      requests: of((r) => r.requests),
      errors: rounds.reduce((s, x) => s + x.r.errors, 0),
      cpuUs: rounds.every((x) => x.r.cpuUs !== undefined) ? of((r) => r.cpuUs!) : undefined,
      rounds: rounds.map((x) => x.r.rps),
    },
    cpu: median(rounds.map((x) => x.cpu)),
  };
}

/** How the far rows were taken, for the headings. */
const roundsNote = () =>
  ROUNDS > 1 ? `; each far row (and its proxy and Portkey rows) the median of ${ROUNDS} rounds taking engine, gateway, proxy and Portkey in turn` : "";

/** The lowest and highest of the rounds' values, "a–b" (one round: its value). */
const spread = (values: number[], digits = 0) => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? lo.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
};

/** Sequential streamed requests over one kept-alive connection: time to the first content event and to the end, p50. */
async function sequentialStreams(url: string, body: string, secret: string | null, n: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const u = new URL(url);
  const one = () =>
    new Promise<{ ttft: number; total: number }>((resolve, reject) => {
      const t0 = performance.now();
      let ttft = -1;
      const req = http.request(
        { host: u.hostname, port: u.port, path: u.pathname, method: "POST", agent, headers: { "content-type": "application/json", ...(secret ? { authorization: `Bearer ${secret}` } : {}) } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          res.on("data", (d: Buffer) => {
            if (ttft < 0 && d.includes('"content"')) ttft = performance.now() - t0;
          });
          res.on("end", () => resolve({ ttft, total: performance.now() - t0 }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  for (let i = 0; i < 20; i++) await one();
  const ttft: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await one();
    ttft.push(r.ttft);
    total.push(r.total);
  }
  agent.destroy();
  const p50 = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { ttft: p50(ttft), total: p50(total) };
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "-");

const METRICS_TOKEN = "bench-metrics-token-0123456789";

/** Requests the gateway's limits admitted so far: against leases (in memory) and reserved in the database. */
async function admissions(base: string): Promise<{ lease: number; database: number }> {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const n = (path: string) => Number(new RegExp(`llmaas_limit_admissions_total\\{path="${path}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { lease: n("lease"), database: n("database") };
}

export async function benchGateway() {
  if (!existsSync("/usr/bin/wrk")) throw new Error("the gateway benchmark needs wrk: apt-get install -y wrk");
  if (hasTaskset && cores > 1) execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  const runClocks = cpuClocks();
  const db = await openScratchPg({ max: 4 });
  setDatabase(db);
  const enginePort = 20_000 + Math.floor(Math.random() * 20_000);
  const gatewayPort = enginePort + 1;
  const engine = await start(pin(1, ["node", "bench/support/engine.mjs", String(enginePort)]), {}, /engine listening/);
  const engineUrl = `http://127.0.0.1:${enginePort}/v1`;
  await registerBackend("bench", engineUrl, [{ id: "m", upstream: "echo" }]);
  // Far from its limits: a post-paid tier with every kind of limit, at rates the bench cannot reach.
  await createTier({ name: "Bench", postpaid: true, monthlyLimit: "1000000", outputTokensPerHour: 1e12, outputTokensPerDay: 1e12, requestsPerMinute: 1e9 });
  const far = await createTenant({ tier: "Bench" });
  // Near: an hourly token limit of which only NEAR_MARGIN tokens are left when each row starts.
  await createTier({ name: "Bench near", postpaid: true, monthlyLimit: "1000000", outputTokensPerHour: 1e12, outputTokensPerDay: 1e12, requestsPerMinute: 1e9 });
  const near = await createTenant({ tier: "Bench near" });
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  const nodeArgs = process.env.BENCH_NODE_ARGS ?? "";
  const startCommand = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.start as string;
  // The engine (and the scratch database) go away even when the gateway does not start.
  const gateway = await start(
    // With BENCH_CPU_PROF_DIR or BENCH_NODE_ARGS, what npm start runs, with those options to node (a CPU profile written there at exit).
    pin(0, profileDir || nodeArgs ? ["sh", "-c", `node scripts/ensure-build.mjs && NODE_ENV=production exec node ${nodeArgs} ${profileDir ? `--cpu-prof --cpu-prof-interval=${process.env.BENCH_CPU_PROF_INTERVAL ?? 1000} --cpu-prof-dir=${profileDir}` : ""} dist/server.js`] : ["npm", "start", "--silent"]),
    {
      DATABASE_URL: db.url,
      PORT: String(gatewayPort),
      HOST: "127.0.0.1",
      LLMAAS_API_ONLY: "true",
      LLMAAS_LOG_LEVEL: "info",
      LLMAAS_SECRET_KEY: "bench-secret-key-bench-secret-key-0123",
      LLMAAS_METRICS_TOKEN: METRICS_TOKEN,
      LLMAAS_DATA_DIR: path.join(os.tmpdir(), `llmaas-bench-${gatewayPort}`),
    },
    /llmaas is listening/,
  ).catch(async (err: unknown) => {
    await stop(engine);
    await db.close();
    throw err;
  });
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}/v1`;
  // The floor: a bare Node pass-through proxy on the gateway's CPU. Each of its rows is taken right after the
  // gateway's (while the gateway idles), so the two are compared under the same conditions of the machine.
  const proxyPort = gatewayPort + 1;
  const proxy = await start(pin(0, ["node", "bench/support/proxy.mjs", String(proxyPort), String(enginePort)]), {}, /proxy listening/).catch(async (err: unknown) => {
    await stop(gateway);
    await stop(engine);
    await db.close();
    throw err;
  });
  const proxyUrl = `http://127.0.0.1:${proxyPort}/v1/chat/completions`;
  // Optional: another gateway, side by side (see README).
  const other = PORTKEY
    ? await startPortkey(proxyPort + 1, enginePort).catch(async (err: unknown) => {
        await stop(proxy);
        await stop(gateway);
        await stop(engine);
        await db.close();
        throw err;
      })
    : null;
  const bare: Bare[] = [];
  /** The bare proxy's row, taken right after the gateway's with the same load, beside the engine's (d) and the gateway's req/s. */
  const proxyRow = (run: string, c: number, body: string, d: WrkResult, gateway: number) => {
    const { r: p, cpu } = wrkWithCpu(proxy.pid, proxyUrl, c, body, null);
    bare.push({ run, c, d, p, cpu, gateway });
  };
  await new Promise((r) => setTimeout(r, 500));
  const gpid = listenerPid(gatewayPort);

  const chat = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hello" }], max_tokens: TOKENS });
  const direct = JSON.stringify({ model: "echo", messages: [{ role: "user", content: "hello" }], max_tokens: TOKENS });
  const streamBody = (model: string) => JSON.stringify({ model, messages: [{ role: "user", content: "hello" }], max_tokens: TOKENS, stream: true, stream_options: { include_usage: true } });
  const rest = rssMiB(gpid);

  // Warm up both paths (connections, caches, JIT).
  wrk(`${engineUrl}/chat/completions`, 16, direct, null, 2);
  wrk(`${gatewayUrl}/chat/completions`, 16, chat, far.secret, WARMUP);
  wrk(proxyUrl, 16, direct, null, 2);

  const rows: Record<string, string | number>[] = [];
  const row = (label: string, c: number, d: WrkResult, g: WrkResult, cpu: number, leased: number) =>
    rows.push({
      run: label,
      connections: c,
      "engine req/s": Math.round(d.rps),
      "gateway req/s": Math.round(g.rps),
      "gateway/engine": (g.rps / d.rps).toFixed(2),
      "added p50 ms": f1(g.p50 - d.p50),
      "added p90 ms": f1(g.p90 - d.p90),
      "added p99 ms": f1(g.p99 - d.p99),
      "gateway CPU %": Math.round(cpu * 100),
      "CPU µs/req": perRequest(cpu, g),
      errors: g.errors,
      // Requests admitted against leases (no database round trip before the engine), the rest one by one.
      "leased %": Number.isFinite(leased) ? Math.round(leased * 100) : "-",
      ...(g.rounds ? { "req/s of the rounds": spread(g.rounds) } : {}),
      "host steal % CPU 0/1": g.steal,
    });
  const gatewayBase = `http://127.0.0.1:${gatewayPort}`;
  const measure = async (url: string, c: number, body: string, secret: string) => {
    const a0 = await admissions(gatewayBase);
    const { r, cpu } = wrkWithCpu(gpid, url, c, body, secret);
    const a1 = await admissions(gatewayBase);
    const leased = (a1.lease - a0.lease) / (a1.lease - a0.lease + a1.database - a0.database);
    return { r, cpu, leased };
  };

  let crossing: Crossing | null = null;
  const compared: Compared[] = [];
  for (const c of [1, 16, 64]) {
    // ROUNDS rounds of engine, gateway, proxy (and Portkey) in turn; the rows print their medians.
    const rounds: { d: Measured; g: Measured; leased: number; p: Measured; o: Measured | null }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const d = { r: wrk(`${engineUrl}/chat/completions`, c, direct, null), cpu: 0 };
      const { r, cpu, leased } = await measure(`${gatewayUrl}/chat/completions`, c, chat, far.secret);
      const p = wrkWithCpu(proxy.pid, proxyUrl, c, direct, null);
      rounds.push({ d, g: { r, cpu }, leased, p, o: other ? other.row(c) : null });
    }
    const d = medianOf(rounds.map((x) => x.d)).r;
    const { r: g, cpu } = medianOf(rounds.map((x) => x.g));
    row("chat, far from limits", c, d, g, cpu, median(rounds.map((x) => x.leased)));
    const p = medianOf(rounds.map((x) => x.p));
    bare.push({ run: "chat", c, d, p: p.r, cpu: p.cpu, gateway: g.rps, ratios: ROUNDS > 1 ? rounds.map((x) => x.g.r.rps / x.p.r.rps) : undefined });
    if (other) compared.push({ c, d, p: medianOf(rounds.map((x) => x.o!)), gateway: g, gatewayCpu: cpu, ratios: ROUNDS > 1 ? rounds.map((x) => x.g.r.rps / x.o!.r.rps) : undefined });
    if (c === 1 && cores > 1 && hasTaskset) crossing = await measureCrossing(proxyPort + 2, d, direct);
  }
  if (other) await stop(other.proc);
  if (ONLY_FAR) {
    await stop(proxy);
    await stop(gateway);
    await stop(engine);
    await closeDatabase();
    console.log(`\nGateway, far from limits only (BENCH_ONLY=far), ${SECONDS} s per row after ${WARMUP} s of warm-up${roundsNote()}:`);
    console.log(stealLine(runClocks));
    console.table(rows);
    printBare(bare);
    printCompared(compared);
    printCrossing(crossing);
    return;
  }
  // The stream relay's code warmed up too.
  wrk(`${gatewayUrl}/chat/completions`, 32, streamBody("m"), far.secret, Math.max(2, Math.round(WARMUP / 3)));
  const sd = await sequentialStreams(`${engineUrl}/chat/completions`, streamBody("echo"), null, SEQUENTIAL_STREAMS);
  const sg = await sequentialStreams(`${gatewayUrl}/chat/completions`, streamBody("m"), far.secret, SEQUENTIAL_STREAMS);
  const sp = await sequentialStreams(proxyUrl, streamBody("echo"), null, SEQUENTIAL_STREAMS);
  const streamedDirect = wrk(`${engineUrl}/chat/completions`, 32, streamBody("echo"), null);
  const { r: streamedGateway, cpu: streamCpu, leased: streamLeased } = await measure(`${gatewayUrl}/chat/completions`, 32, streamBody("m"), far.secret);
  row("streamed chat, far", 32, streamedDirect, streamedGateway, streamCpu, streamLeased);
  proxyRow("streamed chat", 32, streamBody("echo"), streamedDirect, streamedGateway.rps);
  await stop(proxy);

  // Near the limit: before each row, the hourly limit is set to what the hour already counts plus NEAR_MARGIN.
  const NEAR_MARGIN = Number(process.env.BENCH_NEAR_MARGIN ?? 200_000);
  const dbh = await getDb();
  await dbh.execute(sql`insert into limit_counters (scope_id, metric, window_start, used, reserved)
    values (${near.account.id}::uuid, 'output_tokens_hour', date_trunc('minute', now()), 10000000, 0)
    on conflict do nothing`);
  for (const c of [1, 16, 64]) {
    const result = (await dbh.execute(sql`select coalesce(sum(used + reserved), 0)::text as used from limit_counters
      where scope_id = ${near.account.id}::uuid and metric = 'output_tokens_hour' and window_start > now() - interval '1 hour'`)) as unknown as { rows: { used: string }[] };
    const u = result.rows[0];
    const limit = BigInt(u!.used) + BigInt(NEAR_MARGIN);
    await dbh.execute(sql`update tiers set output_tokens_per_hour = ${limit.toString()}::bigint where name = 'Bench near'`);
    // Tier changes reach the gateway within its account cache's lifetime.
    await new Promise((r) => setTimeout(r, 2_500));
    const d = wrk(`${engineUrl}/chat/completions`, c, direct, null);
    const { r: g, cpu, leased } = await measure(`${gatewayUrl}/chat/completions`, c, chat, near.secret);
    row(`chat, ${NEAR_MARGIN / 1000}k tokens left`, c, d, g, cpu, leased);
  }
  const loaded = rssMiB(gpid);


  await stop(gateway);
  await stop(engine);
  await closeDatabase();

  console.log(
    `\nGateway: chat completions of ${TOKENS} output tokens, ${SECONDS} s per row (wrk) after ${WARMUP} s of warm-up${roundsNote()}, against a fake engine directly and through the gateway\n` +
      `(${startCommand.replace(/\s+/g, " ")}; API only; auth, limits and billing on; Postgres ${db.url.replace(/\/\/[^@]*@/, "//")}).\n` +
      `Gateway on CPU 0, engine + wrk + this script on CPU 1 (${hasTaskset && cores > 1 ? "taskset" : "not pinned: no taskset or one CPU"}); ${os.cpus()[0]?.model ?? "?"}, ${cores} CPUs, Node ${process.version}.`,
  );
  console.log(stealLine(runClocks));
  console.table(rows);
  console.log(
    `sequential streams (${SEQUENTIAL_STREAMS}, one connection, p50): time to first token ${f1(sd.ttft)} ms direct, ${f1(sg.ttft)} ms through the gateway (added ${f1(sg.ttft - sd.ttft)} ms); ` +
      `total ${f1(sd.total)} ms direct, ${f1(sg.total)} ms through the gateway (added ${f1(sg.total - sd.total)} ms); ` +
      `through the bare proxy: first token ${f1(sp.ttft)} ms (added ${f1(sp.ttft - sd.ttft)} ms), total ${f1(sp.total)} ms (added ${f1(sp.total - sd.total)} ms)`,
  );
  console.log(`streamed req/s at 32 connections: ${Math.round(streamedGateway.rps)} through the gateway = ${(streamedGateway.rps / streamedDirect.rps).toFixed(2)}× the engine directly (${Math.round(streamedDirect.rps)})`);
  console.log(`gateway memory (RSS): ${rest.toFixed(0)} MiB at rest, ${loaded.toFixed(0)} MiB after the load`);
  printBare(bare);
  printCompared(compared);
  printCrossing(crossing);
}

/**
 * BENCH_PORTKEY: the path of Portkey's AI Gateway start script (build/start-server.js of @portkey-ai/gateway,
 * installed outside the project), run on the gateway's CPU in production mode; each of its rows is taken right
 * after the proxy's, with the same load, the engine reached as a custom OpenAI host. It has no limits or billing.
 */
const PORTKEY = process.env.BENCH_PORTKEY ?? "";

async function startPortkey(port: number, enginePort: number) {
  const proc = await start(pin(0, ["node", PORTKEY, `--port=${port}`, "--headless"]), { NODE_ENV: "production" }, /Ready for connections|is running at/i);
  const url = `http://127.0.0.1:${port}/v1/chat/completions`;
  const headers = { "x-portkey-provider": "openai", "x-portkey-custom-host": `http://127.0.0.1:${enginePort}/v1`, authorization: "Bearer bench" };
  const body = JSON.stringify({ model: "echo", messages: [{ role: "user", content: "hello" }], max_tokens: TOKENS });
  await new Promise((r) => setTimeout(r, 500));
  const pid = listenerPid(port);
  wrk(url, 16, body, null, Math.max(2, Math.round(WARMUP * 0.7)), headers);
  return {
    proc,
    row: (c: number) => wrkWithCpu(pid, url, c, body, null, SECONDS, headers),
  };
}

interface Compared {
  c: number;
  d: WrkResult;
  p: Measured;
  gateway: WrkResult;
  gatewayCpu: number;
  /** llmaas/Portkey req/s of each round, when the row is the median of several. */
  ratios?: number[];
}

function printCompared(compared: Compared[]) {
  if (compared.length === 0) return;
  console.log(`\nPortkey's AI Gateway (${PORTKEY}; no limits or billing) on the gateway's CPU, each row right after the proxy's:`);
  console.table(
    compared.map(({ c, d, p, gateway, gatewayCpu, ratios }) => ({
      connections: c,
      "engine req/s": Math.round(d.rps),
      "Portkey req/s": Math.round(p.r.rps),
      "added p50 ms": f1(p.r.p50 - d.p50),
      "added p99 ms": f1(p.r.p99 - d.p99),
      "Portkey CPU µs/req": perRequest(p.cpu, p.r),
      errors: p.r.errors,
      "llmaas req/s (far)": Math.round(gateway.rps),
      "llmaas CPU µs/req": perRequest(gatewayCpu, gateway),
      "llmaas/Portkey": p.r.rps > 0 ? (gateway.rps / p.r.rps).toFixed(2) : "-",
      ...(ratios ? { "llmaas/Portkey of the rounds": spread(ratios, 2) } : {}),
      "host steal % CPU 0/1": p.r.steal,
    })),
  );
}

/** The engine alone at one connection, on the load generator's CPU and on the gateway's. */
interface Crossing {
  sameCpu: WrkResult;
  otherCpu: WrkResult;
}

/**
 * What crossing between the two CPUs costs: the engine alone at one connection, once on wrk's CPU (the
 * "engine" figures of every row) and once, as a second engine, on the gateway's CPU. Taken right after the
 * 1-connection rows, while the gateway idles.
 */
async function measureCrossing(port: number, sameCpu: WrkResult, body: string): Promise<Crossing> {
  const second = await start(pin(0, ["node", "bench/support/engine.mjs", String(port)]), {}, /engine listening/);
  try {
    wrk(`http://127.0.0.1:${port}/v1/chat/completions`, 1, body, null, 2);
    return { sameCpu, otherCpu: wrk(`http://127.0.0.1:${port}/v1/chat/completions`, 1, body, null) };
  } finally {
    await stop(second);
  }
}

function printCrossing(crossing: Crossing | null) {
  if (!crossing) return;
  const { sameCpu, otherCpu } = crossing;
  const trip = otherCpu.p50 - sameCpu.p50;
  console.log(
    `\nCrossing between the CPUs (the engine alone, one connection, p50): ${f1(sameCpu.p50)} ms on wrk's CPU, ${f1(otherCpu.p50)} ms on the gateway's ` +
      `(p99 ${f1(sameCpu.p99)} and ${f1(otherCpu.p99)} ms; host steal ${otherCpu.steal} %): one round trip between the CPUs adds ${f1(trip)} ms. ` +
      `A request through the gateway or the proxy makes two (client and gateway, gateway and engine), so about ${f1(2 * trip)} ms of the ` +
      `"added" p50 at one connection is the crossing of this layout, whatever the gateway does.`,
  );
}

/** How much of the machine the host took during the whole run: figures of a run where it took much are lower and their tails longer. */
function stealLine(from: { total: number; steal: number }[]): string {
  return `The host took ${stealSince(from).replace("/", " % of CPU 0 and ")} % of CPU 1 during the run (steal time in /proc/stat; 0 on a machine of its own).`;
}

interface Bare {
  run: string;
  c: number;
  d: WrkResult;
  p: WrkResult;
  cpu: number;
  gateway: number;
  /** gateway/proxy req/s of each round, when the row is the median of several. */
  ratios?: number[];
}

function printBare(bare: Bare[]) {
  console.log("\nA bare Node pass-through proxy (bench/support/proxy.mjs: no parsing, auth, limits or billing) on the gateway's CPU, each row right after the gateway's, for scale:");
  console.table(
    bare.map(({ run, c, d, p, cpu, gateway, ratios }) => ({
      run,
      connections: c,
      "engine req/s": Math.round(d.rps),
      "proxy req/s": Math.round(p.rps),
      "added p50 ms": f1(p.p50 - d.p50),
      "added p99 ms": f1(p.p99 - d.p99),
      "proxy CPU µs/req": perRequest(cpu, p),
      "gateway req/s (far)": Math.round(gateway),
      "proxy/engine": d.rps > 0 ? (p.rps / d.rps).toFixed(2) : "-",
      "gateway/proxy": p.rps > 0 ? (gateway / p.rps).toFixed(2) : "-",
      ...(ratios ? { "gateway/proxy of the rounds": spread(ratios, 2) } : {}),
      "host steal % CPU 0/1": p.steal,
    })),
  );
}
