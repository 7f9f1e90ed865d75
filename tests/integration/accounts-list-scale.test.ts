import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, closeDatabase, getDb, setDatabase } from "@/db/client";
import * as schema from "@/db/schema";
import type { Caller } from "@/lib/console/authz";
import { listAccountsAs } from "@/lib/console/platform-accounts";
import { openScratchPg } from "@/tests/support/databases";

/*
 * The platform's account list at 100,000 accounts: every order and filter the
 * page offers walks an index (no sort of the whole table), and a page, first
 * or deep, comes back in milliseconds.
 */
const N = 100_000;
const admin: Caller = { userId: "00000000-0000-4000-8000-000000000001", accountId: "00000000-0000-4000-8000-000000000002", role: "admin", superadmin: true };

describe("the account list at 100,000 accounts [postgres]", () => {
  let pool: pg.Pool;
  /** The statements the list runs, as drizzle sends them, to explain exactly those. */
  const statements: { text: string; params: unknown[] }[] = [];

  beforeAll(async () => {
    const scratch = await openScratchPg();
    pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
    const logger = { logQuery: (text: string, params: unknown[]) => void statements.push({ text, params }) };
    setDatabase({ ...scratch, db: drizzle(pool, { schema, logger }) as unknown as Db, close: async () => (await pool.end(), await scratch.close()) });
    const db = await getDb();
    // Names in random order relative to creation; a few suspended; tiers spread out.
    await db.execute(sql`
      insert into accounts (name, tier_id, created_at, suspended_at)
      select 'acct-' || md5(i::text), (select id from tiers order by id offset (i % 5) limit 1),
             now() - (i || ' seconds')::interval, case when i % 1000 = 0 then now() end
      from generate_series(1, ${N}) as i`);
    await db.execute(sql`analyze accounts`);
  }, 120_000);

  afterAll(async () => {
    await closeDatabase();
  });

  async function timed(query: Parameters<typeof listAccountsAs>[1]) {
    const started = performance.now();
    const page = await listAccountsAs(admin, query);
    return { ms: performance.now() - started, page };
  }

  const cases: { name: string; query: Parameters<typeof listAccountsAs>[1] }[] = [
    { name: "by name", query: {} },
    { name: "by name, descending", query: { sort: "-name" } },
    { name: "newest first", query: { sort: "-created" } },
    { name: "oldest first", query: { sort: "created" } },
    { name: "suspended only", query: { status: "suspended" } },
    { name: "active only, newest first", query: { status: "active", sort: "-created" } },
    { name: "one tier", query: { tier: "2" } },
    { name: "a part of the name", query: { q: "ab" } },
    { name: "a part of the name no account has", query: { q: "zzzz" } },
  ];

  for (const c of cases) {
    it(`pages ${c.name} quickly, at the top and deep down`, async () => {
      await timed(c.query); // warm the connection and caches
      const first = await timed(c.query);
      expect(first.ms).toBeLessThan(250);
      let page = first.page;
      let seen = page.accounts.length;
      // Twenty pages further down: each costs the same.
      for (let i = 0; i < 20 && page.next; i++) {
        const t = await timed({ ...c.query, after: page.next });
        expect(t.ms).toBeLessThan(250);
        const names = new Set(page.accounts.map((a) => a.id));
        expect(t.page.accounts.some((a) => names.has(a.id))).toBe(false);
        page = t.page;
        seen += page.accounts.length;
      }
      if (first.page.next) expect(seen).toBeGreaterThan(25);
    });
  }

  /** The plan of the accounts query a call of the list runs (not its member counts). */
  async function planOf(query: Parameters<typeof listAccountsAs>[1]) {
    statements.length = 0;
    await listAccountsAs(admin, query);
    const list = statements.find((s) => /from "accounts"/.test(s.text))!;
    const { rows } = await pool.query(`explain ${list.text}`, list.params);
    return rows.map((r: Record<string, unknown>) => String(r["QUERY PLAN"])).join("\n");
  }

  it("walks an index for each order and filter, never sorting the whole table", async () => {
    const first = await listAccountsAs(admin, { sort: "-created" });
    const plans = {
      byName: await planOf({}),
      byNameDeep: await planOf({ after: (await listAccountsAs(admin, {})).next! }),
      byCreated: await planOf({ sort: "-created", after: first.next! }),
      suspended: await planOf({ status: "suspended" }),
      tier: await planOf({ tier: "2" }),
    };
    for (const [name, p] of Object.entries(plans)) {
      expect(p, name).toMatch(/Index (Only )?Scan/);
      expect(p, name).not.toMatch(/Seq Scan on accounts/);
      expect(p, name).not.toMatch(/Sort Key: accounts/);
    }
    expect(plans.suspended).toContain("accounts_suspended_name_idx");
    expect(plans.tier).toContain("accounts_tier_name_idx");
    expect(plans.byCreated).toContain("accounts_created_idx");
  });

  it("orders and filters exactly", async () => {
    const { accounts } = await listAccountsAs(admin, { status: "suspended", sort: "-name" });
    expect(accounts.every((a) => a.suspendedAt !== null)).toBe(true);
    const names = accounts.map((a) => a.name);
    expect(names).toEqual([...names].sort().reverse());
    const { accounts: newest } = await listAccountsAs(admin, { sort: "-created" });
    const times = newest.map((a) => a.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const { accounts: matching } = await listAccountsAs(admin, { q: "AB" });
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.every((a) => a.name.toLowerCase().includes("ab"))).toBe(true);
    // A cursor from another order, or a made-up one, starts at the top rather than failing.
    expect((await listAccountsAs(admin, { after: "not-a-cursor" })).accounts.length).toBe(25);
  });
});
