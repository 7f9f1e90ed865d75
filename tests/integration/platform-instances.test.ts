import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, getDb, setDatabase } from "@/db/client";
import { insertPrice } from "@/db/queries/prices";
import { setPrice } from "@/lib/billing/price-admin";
import { createTier, editTier } from "@/lib/limits/tiers";
import { editModel } from "@/lib/models/manage";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";

/*
 * An edit made elsewhere (here: this process, as the console or the CLI of
 * another machine would) reaches a gateway process within a second: its
 * catalogue, /v1/models, the tier its accounts are held to, and the prices
 * it bills.
 */
describe("platform edits reach another instance within a second [postgres]", () => {
  let fake: FakeBackend;
  let instance: Instance;
  let t: Awaited<ReturnType<typeof createTenant>>;
  let tierName: string;

  beforeAll(async () => {
    const db = await openScratchPg();
    setDatabase(db);
    fake = await startFakeOpenAI({ machine: "far" });
    await registerBackend("far", fake.url, [
      { id: "far-1", upstream: "echo" },
      { id: "far-2", upstream: "echo" },
    ]);
    await insertPrice({ modelId: "far-1", unit: "input_token", nanosPerUnit: 100n, effectiveFrom: new Date("2000-01-01") });
    await insertPrice({ modelId: "far-1", unit: "output_token", nanosPerUnit: 300n, effectiveFrom: new Date("2000-01-01") });
    tierName = (await createTier({ name: "Far tier", postpaid: true, requestsPerMinute: 1000 })).name;
    t = await createTenant({ tier: tierName });
    instance = await startInstance({ DATABASE_URL: db.url });
  }, 120_000);

  afterAll(async () => {
    await instance?.stop("SIGKILL");
    await fake.close();
    await closeDatabase();
  });

  const get = (path: string) => fetch(`${instance.url}${path}`, { headers: { authorization: `Bearer ${t.secret}` } });
  const chat = (model: string, extra: Record<string, unknown> = {}) =>
    fetch(`${instance.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "far away" }], max_tokens: 10, ...extra }),
    });
  const listed = async () => ((await (await get("/v1/models")).json()) as { data: { id: string; aliases: string[] }[] }).data;

  /** How long until `check` holds, polling every 20 ms; fails past `limitMs`. */
  async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
    const start = Date.now();
    while (!(await check())) {
      if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Date.now() - start;
  }

  it("hides and shows a model, and adds an alias, in the other instance's /v1/models and routing", async () => {
    expect((await listed()).map((m) => m.id)).toEqual(expect.arrayContaining(["far-1", "far-2"]));
    await editModel("far-2", { visible: false });
    const hid = await within(1_000, async () => !(await listed()).some((m) => m.id === "far-2"));
    expect((await chat("far-2")).status).toBe(404);
    await editModel("far-2", { visible: true, aliases: ["far-alias"] });
    const shown = await within(1_000, async () => (await listed()).some((m) => m.id === "far-2" && m.aliases.includes("far-alias")));
    expect((await chat("far-alias")).status).toBe(200);
    expect(Math.max(hid, shown)).toBeLessThan(1_000);
  });

  it("holds the account to an edited tier from its next request", async () => {
    expect((await chat("far-1")).status).toBe(200);
    await editTier({ name: tierName, outputTokensPerHour: 5 });
    await within(1_000, async () => (await chat("far-1", { max_tokens: 10 })).status === 429);
    await editTier({ name: tierName, outputTokensPerHour: null });
    await within(1_000, async () => (await chat("far-1", { max_tokens: 10 })).status === 200);
  });

  it("bills a request that starts after a price's time at the new price, one started before at the old", async () => {
    const slow = chat("far-1", { fake: { tokens: 4, delayMs: 400 } });
    await new Promise((r) => setTimeout(r, 200));
    const row = await setPrice({ modelId: "far-1", unit: "output_token", price: "0.9" });
    await new Promise((r) => setTimeout(r, Math.max(0, row.effectiveFrom.getTime() - Date.now()) + 10));
    const fast = await chat("far-1", { fake: { tokens: 3 } });
    const old = await slow;
    await new Promise((r) => setTimeout(r, 600));
    const db = await getDb();
    const amount = async (res: Response) => {
      const r = (await db.execute(sql`
        select e.prompt_tokens as prompt, e.completion_tokens as completion, l.amount_nanos::text as amount
        from usage_events e join ledger_entries l on l.usage_event_id = e.id where e.request_id = ${res.headers.get("id")!}`)) as unknown as {
        rows: { prompt: number; completion: number; amount: string }[];
      };
      return r.rows[0]!;
    };
    const a = await amount(old);
    const b = await amount(fast);
    expect(BigInt(a.amount)).toBe(-(BigInt(a.prompt) * 100n + 4n * 300n));
    expect(BigInt(b.amount)).toBe(-(BigInt(b.prompt) * 100n + 3n * 900n));
  });
});
