import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface Instance {
  url: string;
  proc: ChildProcess;
  logs: string[];
  /** Send SIGTERM and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const root = path.resolve(import.meta.dirname, "../..");

let compiled: Promise<void> | null = null;

/** Compile the server as `npm start` does (once per test process, and only when its sources changed). */
function compileServer(): Promise<void> {
  compiled ??= new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, ["scripts/ensure-build.mjs"], { cwd: root, env: { ...process.env, LLMAAS_API_ONLY: "true" }, stdio: "inherit" });
    build.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`compiling the server failed (${code})`))));
  });
  return compiled;
}

/** Start the compiled server (what `npm start` runs; API only: no Next.js build needed) as its own process and wait until it listens. */
export async function startInstance(env: Record<string, string>): Promise<Instance> {
  await compileServer();
  const proc = spawn(process.execPath, ["dist/server.js"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", LLMAAS_API_ONLY: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${logs.join("")}`)), 60_000);
    const onData = (d: Buffer) => {
      const text = d.toString();
      logs.push(text);
      const m = /"message":"llmaas is listening","url":"([^"]+)"/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stderr!.on("data", onData);
    proc.stdout!.on("data", (d: Buffer) => logs.push(d.toString()));
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code}:\n${logs.join("")}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return {
    url,
    proc,
    logs,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(signal);
      return exited;
    },
  };
}
