import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";

/*
 * A second server, bound to 0.0.0.0 and told its public address is https
 * (as behind a TLS-terminating proxy): redirects, cookies, allowed origins and
 * HSTS follow that address, whatever a client claims in forwarded headers.
 */

const PORT = Number(process.env.E2E_PORT ?? 3100) + 2;
const LOCAL = `http://127.0.0.1:${PORT}`;
const PUBLIC = "https://llm.example.test";
const DATA = ".data/e2e-public";
const USER = { email: "pat@public.test", password: "public password 1" };

let server: ChildProcess;
const logs: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fs.rmSync(DATA, { recursive: true, force: true });
  server = spawn("npx", ["tsx", "server.ts"], {
    env: { ...process.env, NODE_ENV: "production", HOST: "0.0.0.0", PORT: String(PORT), LLMAAS_DATA_DIR: DATA, LLMAAS_PUBLIC_URL: PUBLIC },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  server.stderr!.on("data", (d: Buffer) => logs.push(d.toString()));
  await expect.poll(() => fetch(`${LOCAL}/api/health`).then((r) => r.status, () => 0), { timeout: 120_000 }).toBe(200);
  const cli = (...args: string[]) => execFileSync("npx", ["tsx", "bin/llmaas.mjs", ...args], { env: { ...process.env, LLMAAS_DATA_DIR: DATA }, encoding: "utf8", timeout: 60_000 });
  cli("account", "create", "--name", "Public");
  cli("user", "create", "--email", USER.email, "--password", USER.password, "--account", "Public", "--role", "admin");
});

test.afterAll(async () => {
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
});

/** The cookies a response sets, as "name=value; attributes" strings. */
const cookiesOf = (res: Response) => res.headers.getSetCookie();

test("sign-in redirects to the public address and its session cookie is Secure, over a plain-http hop", async () => {
  const csrf = await fetch(`${LOCAL}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = cookiesOf(csrf).find((c) => c.includes("csrf-token"))!;
  expect(csrfCookie).toMatch(/^__Host-authjs\.csrf-token=/);
  expect(csrfCookie).toMatch(/; Secure/i);

  const res = await fetch(`${LOCAL}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: PUBLIC, "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie.split(";")[0]! },
    body: new URLSearchParams({ csrfToken, email: USER.email, password: USER.password, callbackUrl: "/chat" }),
  });
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe(`${PUBLIC}/chat`);
  const session = cookiesOf(res).find((c) => c.includes("session-token"))!;
  expect(session).toMatch(/^__Secure-authjs\.session-token=/);
  expect(session).toMatch(/; Secure/i);
  expect(session).toMatch(/; HttpOnly/i);
});

test("pages send HSTS and upgrade insecure requests; redirects never name the bind address", async () => {
  const res = await fetch(`${LOCAL}/chat`, { redirect: "manual", headers: { "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" } });
  expect(res.status).toBe(307);
  const location = res.headers.get("location")!;
  expect(location).not.toMatch(/0\.0\.0\.0|evil\.example/);
  expect(new URL(location, PUBLIC).href).toBe(`${PUBLIC}/login?callbackUrl=%2Fchat`);
  expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
  expect(res.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
});

test("forged forwarded headers with a matching Origin do not get a server action past the origin check", async () => {
  const forged = { origin: "https://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" };
  const res = await fetch(`${LOCAL}/login`, { method: "POST", redirect: "manual", headers: forged, body: "[]" });
  expect(res.status).toBe(403);
  expect(cookiesOf(res).filter((c) => c.includes("session-token"))).toEqual([]);
  // Auth.js's own sign-in endpoint is held to the same origin.
  const signIn = await fetch(`${LOCAL}/api/auth/callback/credentials`, { method: "POST", redirect: "manual", headers: { ...forged, "content-type": "application/x-www-form-urlencoded" }, body: "" });
  expect(signIn.status).toBe(403);
});

test("a sign-in post without its CSRF token is refused and logged as a warning, without a stack", async () => {
  const res = await fetch(`${LOCAL}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: PUBLIC, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: USER.email, password: USER.password }),
  });
  expect(res.status).toBeLessThan(500);
  expect(cookiesOf(res).filter((c) => c.includes("session-token"))).toEqual([]);
  await expect.poll(() => logs.join("")).toContain("missing CSRF token");
  const lines = logs.join("").split("\n").filter((l) => l.includes("CSRF"));
  for (const line of lines) {
    expect(JSON.parse(line)).toMatchObject({ level: "warn" });
    expect(line).not.toContain("stack");
  }
});
