import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Page } from "@playwright/test";
import type { Seen } from "./support/fake-backend";

/** Where the test server listens (playwright.config.ts starts it there). */
export const BASE_URL = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;

/** The administrator the first-run project creates and every later spec signs in as. */
export const ADMIN = {
  accountName: "Acme Research",
  name: "Ada Admin",
  email: "ada@acme.test",
  password: "correct horse battery",
} as const;

/** The admin CLI against the test server's database; returns what it printed. */
export function llmaas(...args: string[]): string {
  return execFileSync("npx", ["tsx", "bin/llmaas.mjs", ...args], { env: { ...process.env, LLMAAS_DATA_DIR: ".data/e2e" }, encoding: "utf8", timeout: 60_000 });
}

/** Saves the page in both colour schemes under test-results/screenshots/, for a person to look at. */
export async function screenshotBothSchemes(page: Page, name: string) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: path.join("test-results", "screenshots", `${name}-${colorScheme}.png`), fullPage: true, animations: "disabled" });
  }
  await page.emulateMedia({ colorScheme: null });
}

/**
 * A user of the admin's account for a spec that leaves things behind
 * (conversations, keys), so that other specs find the admin's as they expect.
 * Made on first use.
 */
export function userOfAcme(email: string, role: "admin" | "member" = "admin", { superadmin = false } = {}) {
  const who = { email, password: `${email} password` };
  try {
    llmaas("user", "create", "--email", who.email, "--password", who.password, "--account", ADMIN.accountName, "--role", role, ...(superadmin ? ["--superadmin"] : []));
  } catch (err) {
    if (!String((err as { stderr?: string }).stderr ?? err).includes("already exists")) throw err;
  }
  return who;
}

/** A member of the admin's account, made with the models, who has never opened the console. */
export const MEMBER = { email: "ben@acme.test", password: "member password 1" } as const;

/** The fake OpenAI-compatible backend the test run starts beside the server. */
export const FAKE_BACKEND_PORT = Number(process.env.E2E_FAKE_BACKEND_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 99);
export const FAKE_BACKEND_URL = `http://127.0.0.1:${FAKE_BACKEND_PORT}`;

export type BackendRequest = Seen;

/** What the fake backend was asked so far, oldest first. */
export async function backendRequests(): Promise<BackendRequest[]> {
  const res = await fetch(`${FAKE_BACKEND_URL}/__requests`);
  return (await res.json()) as BackendRequest[];
}

/** Signs in as the administrator (or another user), from any page. */
export async function signInAsAdmin(page: Page, who: { email: string; password: string } = ADMIN) {
  await page.goto("/login");
  await page.getByTestId("login-email").fill(who.email);
  await page.getByTestId("login-password").fill(who.password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/**
 * Whether the platform serves an API endpoint yet: an unknown one answers
 * 404 with code unknown_url. The console's pages must work when it does and
 * say so cleanly when it does not.
 */
export async function endpointServed(page: Page, path: string): Promise<boolean> {
  const res = await page.request.post(`/api/console/v1${path}`, { data: {} });
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return body.error?.code !== "unknown_url";
}

/** A chat completion through the public API with a key's secret (fake-chat unless the body says otherwise). */
export async function chatWithKey(secret: string, body: Record<string, unknown> = {}): Promise<Response> {
  const res = await fetch(`${BASE_URL}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "fake-chat", messages: [{ role: "user", content: "Hello" }], max_tokens: 20, ...body }),
  });
  await res.arrayBuffer();
  return res;
}

/** The status a key's secret gets from the API right now. */
export const statusWith = async (secret: string) => (await chatWithKey(secret)).status;

/** Creates an API key with the CLI; its id and its secret (the last line the CLI prints). */
export function cliKey(email: string, name: string): { id: string; secret: string } {
  const out = llmaas("key", "create", "--email", email, "--name", name);
  const id = /\(([0-9a-f-]{36})\)/.exec(out)?.[1];
  if (!id) throw new Error(`no key id in: ${out}`);
  return { id, secret: out.trimEnd().split("\n").at(-1)! };
}

/** A name no earlier run of the spec used, for users, accounts and keys the spec creates. */
export const unique = (what: string) => `${what}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
