import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { insertPrice } from "@/db/queries/prices";
import { createUser } from "@/lib/users";
import type { Caller } from "@/lib/console/authz";
import { createTier } from "@/lib/limits/tiers";
import { main } from "@/lib/cli/main";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

/*
 * The platform's administration (tiers, backends, models, prices) from the
 * console's server actions and route, run as each kind of person; and what an
 * edit does to the very next request of this instance.
 */

const who = vi.hoisted(() => ({ caller: null as null | { userId: string; accountId: string; role: "admin" | "member" | "finance"; superadmin: boolean } }));
vi.mock("@/lib/console/caller", () => ({
  actionCaller: async () => who.caller,
  pageCaller: async () => ({ ...who.caller, email: "", name: "" }),
}));
vi.mock("@/lib/console/auth", () => ({
  notSignedIn: () => new Error("signed out"),
  consoleCaller: async () => ({ user: { id: who.caller!.userId, accountId: who.caller!.accountId, role: who.caller!.role, superadmin: who.caller!.superadmin }, key: null }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const tiers = await import("@/app/(console)/tiers/actions");
const backends = await import("@/app/(console)/backends/actions");
const models = await import("@/app/(console)/models/actions");
const prices = await import("@/app/(console)/prices/actions");
const statusRoute = await import("@/app/api/console/backends/status/route");

const cli = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["node", "llmaas", ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) }, { manageDatabase: false });
  return { code, out: out.join(""), err: err.join("") };
};

describeEachDriver("platform administration: tiers, backends, models and prices", () => {
  let fake: FakeBackend;
  let server: TestServer;
  let t: Awaited<ReturnType<typeof createTenant>>;
  let member: Caller, finance: Caller, admin: Caller, otherAdmin: Caller, superadmin: Caller;
  let tierId: number;
  let backendId: string;
  let spareId: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "plat" });
    await registerBackend("plat", fake.url, [
      { id: "p1", upstream: "echo" },
      { id: "p2", upstream: "echo" },
    ]);
    await registerBackend("spare", fake.url, []);
    // Model p1's own prices, from long ago: 1000 n€ per input token, 2000 per output token.
    await insertPrice({ modelId: "p1", unit: "input_token", nanosPerUnit: 1000n, effectiveFrom: new Date("2000-01-01") });
    await insertPrice({ modelId: "p1", unit: "output_token", nanosPerUnit: 2000n, effectiveFrom: new Date("2000-01-01") });
    tierId = (await createTier({ name: `Editable ${Math.random()}`, postpaid: true, requestsPerMinute: 1000 })).id;
    server = await startGatewayServer();
    t = await createTenant({ tier: (await getTierName(tierId))! });
    const other = await createTenant();
    const as = (u: { id: string; accountId: string }, role: Caller["role"], sa = false): Caller => ({ userId: u.id, accountId: u.accountId, role, superadmin: sa });
    admin = as(t.user, "admin");
    otherAdmin = as(other.user, "admin");
    member = as(await createUser({ email: `m-${t.account.id}@x.test`, password: "password-123", accountId: t.account.id, role: "member" }), "member");
    finance = as(await createUser({ email: `f-${t.account.id}@x.test`, password: "password-123", accountId: t.account.id, role: "finance" }), "finance");
    superadmin = as(await createUser({ email: `s-${other.account.id}@x.test`, password: "password-123", accountId: other.account.id, role: "admin", superadmin: true }), "admin", true);
    backendId = (await rows<{ id: string }>(sql`select id from backends where name = 'plat'`))[0]!.id;
    spareId = (await rows<{ id: string }>(sql`select id from backends where name = 'spare'`))[0]!.id;
  });

  afterAll(async () => {
    who.caller = null;
    await server.close();
    await fake.close();
  });

  async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
    const db = await getDb();
    return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
  }
  async function getTierName(id: number) {
    return (await rows<{ name: string }>(sql`select name from tiers where id = ${id}`))[0]?.name;
  }
  const chat = (model: string, body: Record<string, unknown> = {}) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hello there" }], max_tokens: 10, ...body }),
    });
  const as = async <T>(caller: Caller, work: () => Promise<T>) => {
    who.caller = caller;
    return work();
  };

  let n = 0;
  const unique = (what: string) => `${what}-${++n}-${Math.random().toString(36).slice(2, 6)}`;

  /** Every server action of the platform pages, with arguments a superadmin's run of it accepts. */
  const actions: [string, () => Promise<{ ok: boolean; error?: { status: number } }>][] = [
    ["saveTier (edit)", () => tiers.saveTierAction({ id: tierId, description: "edited" })],
    ["saveTier (create)", () => tiers.saveTierAction({ name: unique("Tier"), requestsPerMinute: "60", postpaid: true })],
    ["addBackend", () => backends.addBackendAction({ name: unique("gpu"), engine: "openai", url: fake.url, machine: "m" })],
    ["editBackend", () => backends.editBackendAction(spareId, { machine: "spare-machine" })],
    ["setBackendEnabled", () => backends.setBackendEnabledAction(spareId, true)],
    ["testBackend", () => backends.testBackendAction(backendId)],
    ["addModel", () => models.addModelAction({ id: unique("m"), backendId, capabilities: ["chat"], maxModelLen: "4096" })],
    ["editModel", () => models.editModelAction("p2", { description: "edited" })],
    ["addModelBackend", () => models.addModelBackendAction("p2", { backendId: spareId, upstreamId: "echo" })],
    ["removeModelBackend", () => models.removeModelBackendAction("p2", spareId)],
    ["setPrice", () => prices.setPriceAction({ modelId: "p2", unit: "image", price: "0.05" })],
  ];

  it("runs every platform action for superadmins only: members, finance and account admins get 403 and change nothing", async () => {
    const audited = async () => Number((await rows<{ n: string }>(sql`select count(*)::text as n from audit_log`))[0]!.n);
    for (const caller of [member, finance, admin, otherAdmin]) {
      const before = await audited();
      for (const [name, run] of actions) {
        const result = await as(caller, run);
        expect(result, `${name} as ${caller.role}`).toMatchObject({ ok: false, error: { status: 403 } });
      }
      expect(await audited()).toBe(before);
      const res = await as(caller, () => statusRoute.GET(new Request("http://localhost/api/console/backends/status"), { params: Promise.resolve({}) }));
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("not_platform_admin");
    }
    for (const [name, run] of actions) {
      const result = await as(superadmin, run);
      expect(result, name).toMatchObject({ ok: true });
    }
    const res = await as(superadmin, () => statusRoute.GET(new Request("http://localhost/api/console/backends/status"), { params: Promise.resolve({}) }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { backends: { id: string; healthy: boolean; circuit: string; inFlight: number }[] };
    expect(body.backends.find((b) => b.id === backendId)).toMatchObject({ healthy: true, circuit: "closed", inFlight: 0 });
  });

  it("applies a tier edit to the account's very next request, and audits it with before and after", async () => {
    expect((await chat("p1")).status).toBe(200);
    // One request per minute, one already made: the next is refused.
    expect(await as(superadmin, () => tiers.saveTierAction({ id: tierId, requestsPerMinute: "1" }))).toMatchObject({ ok: true });
    const refused = await chat("p1");
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe("rate_limit_exceeded");
    await as(superadmin, () => tiers.saveTierAction({ id: tierId, requestsPerMinute: "1000", outputTokensPerHour: "5" }));
    // Ten output tokens asked for, five an hour allowed.
    expect((await chat("p1", { max_tokens: 10 })).status).toBe(429);
    await as(superadmin, () => tiers.saveTierAction({ id: tierId, outputTokensPerHour: "" }));
    expect((await chat("p1", { max_tokens: 10 })).status).toBe(200);
    const [entry] = await rows<{ before: { requestsPerMinute: number }; after: { requestsPerMinute: number }; actor: string }>(
      sql`select before, after, actor from audit_log where action = 'tier.update' and object_id = ${String(tierId)} and after->>'requestsPerMinute' = '1' order by id desc limit 1`,
    );
    expect(entry).toMatchObject({ before: { requestsPerMinute: 1000 }, after: { requestsPerMinute: 1 }, actor: `s-${superadmin.accountId}@x.test` });
    // Validation, beside the field it concerns.
    expect(await as(superadmin, () => tiers.saveTierAction({ id: tierId, requestsPerMinute: "0" }))).toMatchObject({ ok: false, error: { status: 400, param: "requestsPerMinute" } });
    expect(await as(superadmin, () => tiers.saveTierAction({ id: tierId, monthlyLimit: "12,50" }))).toMatchObject({ ok: false, error: { status: 400, param: "monthlyLimit" } });
  });

  it("bills a request at the price in force when it started: a slow one started before a change keeps the old price", async () => {
    // 5 tokens, 500 ms each: the answer comes 2.5 s after the request started.
    const slow = chat("p1", { fake: { tokens: 5, delayMs: 500 } });
    await new Promise((r) => setTimeout(r, 300));
    const set = await as(superadmin, () => prices.setPriceAction({ modelId: "p1", unit: "output_token", price: "5" }));
    expect(set).toMatchObject({ ok: true });
    const effective = new Date((set as { data: { effectiveFrom: string } }).data.effectiveFrom);
    await new Promise((r) => setTimeout(r, Math.max(0, effective.getTime() - Date.now()) + 20));
    const fast = await chat("p1", { fake: { tokens: 4 } });
    const before = await slow;
    expect([before.status, fast.status]).toEqual([200, 200]);
    await server.runtime.gateway.idle();
    await server.runtime.gateway.options.recorder.flush();
    const billed = async (res: Response) => {
      const [row] = await rows<{ prompt: number; completion: number; amount: string; cost: string }>(sql`
        select e.prompt_tokens as prompt, e.completion_tokens as completion, l.amount_nanos::text as amount, e.cost_nanos::text as cost
        from usage_events e join ledger_entries l on l.usage_event_id = e.id where e.request_id = ${res.headers.get("id")!}`);
      return row!;
    };
    const old = await billed(before);
    const now = await billed(fast);
    expect(old.completion).toBe(5);
    expect(now.completion).toBe(4);
    expect(BigInt(old.amount)).toBe(-(BigInt(old.prompt) * 1000n + 5n * 2000n));
    expect(BigInt(now.amount)).toBe(-(BigInt(now.prompt) * 1000n + 4n * 5000n));
    expect(BigInt(old.cost)).toBe(-BigInt(old.amount));
    // Past times are refused: past usage keeps its price.
    expect(await as(superadmin, () => prices.setPriceAction({ modelId: "p1", unit: "output_token", price: "1", effectiveFrom: "2020-01-01T00:00:00Z" }))).toMatchObject({
      ok: false,
      error: { status: 400, param: "effectiveFrom" },
    });
    expect(await as(superadmin, () => prices.setPriceAction({ modelId: "p1", unit: "output_token", price: "1.0001" }))).toMatchObject({ ok: false, error: { status: 400, param: "price" } });
    const [audit] = await rows<{ before: { nanosPerUnit: string }; after: { nanosPerUnit: string; modelId: string } }>(
      sql`select before, after from audit_log where action = 'price.set' and after->>'modelId' = 'p1' order by id desc limit 1`,
    );
    expect(audit).toMatchObject({ before: { nanosPerUnit: "2000" }, after: { nanosPerUnit: "5000", modelId: "p1" } });
  });

  it("hides a model from the catalogue and from every key at once, and shows it again", async () => {
    const list = async () => ((await (await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${t.secret}` } })).json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(await list()).toContain("p2");
    expect(await as(superadmin, () => models.editModelAction("p2", { visible: false }))).toMatchObject({ ok: true });
    expect(await list()).not.toContain("p2");
    const hidden = await chat("p2");
    expect(hidden.status).toBe(404);
    expect((await hidden.json()).error.code).toBe("model_not_found");
    await as(superadmin, () => models.editModelAction("p2", { visible: true, aliases: "p2-alias, p2-other", maxModelLen: "16384", capabilities: ["chat", "tools"] }));
    expect((await chat("p2-alias")).status).toBe(200);
    const one = (await (await fetch(`${server.url}/v1/models/p2`, { headers: { authorization: `Bearer ${t.secret}` } })).json()) as { aliases: string[]; max_model_len: number };
    expect(one).toMatchObject({ aliases: ["p2", "p2-alias", "p2-other"], max_model_len: 16384 });
    // An alias may not name another model.
    expect(await as(superadmin, () => models.editModelAction("p2", { aliases: "p1" }))).toMatchObject({ ok: false, error: { status: 409, param: "aliases" } });
  });

  it("adds, edits, tests, disables and enables backends without ever showing their keys", async () => {
    const name = unique("keyed");
    const added = await as(superadmin, () => backends.addBackendAction({ name, engine: "openai", url: fake.url, machine: "gpu-9", apiKey: "sk-upstream-secret-123456" }));
    expect(added).toMatchObject({ ok: true });
    const id = (added as { data: { id: string } }).data.id;
    expect(fake.requests.length).toBeGreaterThan(0);
    const audit = JSON.stringify(await rows(sql`select before, after from audit_log where object_id = ${id}`));
    expect(audit).toContain('"upstreamKey":"set"');
    expect(audit).not.toContain("sk-upstream");
    // Sealed at rest.
    expect(JSON.stringify(await rows(sql`select api_key from backends where id = ${id}`))).not.toContain("sk-upstream");

    // A backend with no model yet: its health check, and what it lists.
    const health = await as(superadmin, () => backends.testBackendAction(id));
    expect(health).toMatchObject({ ok: true, data: { ok: true, kind: "health", answer: expect.stringContaining("echo") } });
    expect(fake.requests.at(-1)!.headers.authorization).toBe("Bearer sk-upstream-secret-123456");
    // With a chat model on it: a real chat, its answer and time.
    await as(superadmin, () => models.addModelBackendAction("p1", { backendId: id, upstreamId: "echo" }));
    const answered = await as(superadmin, () => backends.testBackendAction(id));
    expect(answered).toMatchObject({ ok: true, data: { ok: true, kind: "chat", model: "p1", answer: expect.stringContaining("plat says") } });
    expect((answered as { data: { ms: number } }).data.ms).toBeGreaterThanOrEqual(0);
    // Pointed at a port nobody listens on: an error with nothing of the address in it.
    expect(await as(superadmin, () => backends.editBackendAction(id, { url: "http://127.0.0.1:9/v1", clearApiKey: true }))).toMatchObject({ ok: true });
    const failed = (await as(superadmin, () => backends.testBackendAction(id))) as { data: { ok: boolean; error: string } };
    expect(failed.data.ok).toBe(false);
    expect(failed.data.error).toMatch(/could not be reached/);
    expect(failed.data.error).not.toMatch(/127\.0\.0\.1|:9\b|sk-/);
    const unset = await rows<{ api_key: string | null }>(sql`select api_key from backends where id = ${id}`);
    expect(unset[0]!.api_key).toBeNull();
    await as(superadmin, () => models.removeModelBackendAction("p1", id));

    // Disabled, the only backend of a model leaves it with none: 503 at once; enabled, it serves again.
    const solo = unique("solo");
    await as(superadmin, () => models.addModelAction({ id: solo, backendId: spareId, upstreamId: "echo", capabilities: ["chat"], maxModelLen: "2048" }));
    expect((await chat(solo)).status).toBe(200);
    await as(superadmin, () => backends.setBackendEnabledAction(spareId, false));
    expect((await chat(solo)).status).toBe(503);
    await as(superadmin, () => backends.setBackendEnabledAction(spareId, true));
    expect((await chat(solo)).status).toBe(200);
    const actionsSeen = (await rows<{ action: string }>(sql`select distinct action from audit_log where object_id = ${spareId}`)).map((r) => r.action);
    expect(actionsSeen).toEqual(expect.arrayContaining(["backend.disable", "backend.enable", "backend.update"]));
    // Bad input beside its field.
    expect(await as(superadmin, () => backends.addBackendAction({ name: "x", engine: "openai", url: "ftp://nope", machine: "m" }))).toMatchObject({ ok: false, error: { status: 400, param: "url" } });
    expect(await as(superadmin, () => backends.addBackendAction({ name, engine: "openai", url: fake.url, machine: "m" }))).toMatchObject({ ok: false, error: { status: 409, param: "name" } });
    expect(await as(superadmin, () => backends.editBackendAction("not-an-id", { machine: "m" }))).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it("does the same from the CLI, audited as cli:<user>", async () => {
    expect((await cli("backend", "update", "--name", "spare", "--machine", "cli-machine")).code).toBe(0);
    expect((await cli("backend", "disable", "--name", "spare")).code).toBe(0);
    expect((await cli("backend", "enable", "--name", "spare")).code).toBe(0);
    const tested = await cli("backend", "test", "--name", "plat");
    expect(tested.code).toBe(0);
    expect(tested.out).toMatch(/^chat with \S+ in \d+ ms: plat says/);
    expect((await cli("model", "update", "--id", "p2", "--hide")).code).toBe(0);
    expect((await cli("model", "list", "--json")).out).toMatch(/"id": "p2"[\s\S]*?"visible": false/);
    expect((await cli("model", "update", "--id", "p2", "--show", "--description", "from the cli")).code).toBe(0);
    expect((await cli("model", "link", "--id", "p2", "--backend", "spare", "--upstream-id", "echo")).code).toBe(0);
    expect((await cli("model", "unlink", "--id", "p2", "--backend", "spare")).code).toBe(0);
    const set = await cli("price", "set", "--unit", "input_token", "--price", "2.5", "--model", "p2", "--from", "2099-01-01T00:00:00Z");
    expect(set.code).toBe(0);
    expect(set.out).toContain("p2 input_token: 2.50 € per million tokens from 2099-01-01T00:00:00.000Z");
    const listed = await cli("price", "list", "--model", "p2");
    expect(listed.out).toMatch(/p2\s+input_token\s+2\.50 € \/ million tokens\s+2099-01-01T00:00:00.000Z\s+scheduled/);
    expect((await cli("price", "set", "--unit", "input_token", "--price", "1", "--from", "2001-01-01T00:00:00Z")).err).toContain("past usage keeps the price it had");
    const actors = await rows<{ action: string; actor: string }>(sql`select action, actor from audit_log where actor like 'cli:%' and action in ('backend.update','backend.disable','backend.enable','backend.test','model.update','model.backend_add','model.backend_remove','price.set')`);
    expect(new Set(actors.map((a) => a.action))).toEqual(new Set(["backend.update", "backend.disable", "backend.enable", "backend.test", "model.update", "model.backend_add", "model.backend_remove", "price.set"]));
    expect((await cli("backend", "update", "--name", "nope")).code).toBe(1);
  });
});
