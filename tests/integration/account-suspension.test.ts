import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, setDatabase } from "@/db/client";
import { setAccountSuspension } from "@/lib/accounts";
import { main } from "@/lib/cli/main";
import { createKey, revokeKey } from "@/lib/keys/manage";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";

/*
 * Two gateway processes share one Postgres database; each has every key of
 * the account in its cache when the account is suspended from a third
 * process (this one, as the console or the CLI would). Within a second both
 * refuse every key of it with 403 account_suspended; none is revoked, so
 * unsuspending restores exactly the keys that were valid.
 */

const quiet = { out: () => {}, err: () => {} };

describe("suspending an account, on two instances [postgres]", () => {
  let fake: FakeBackend;
  let instances: Instance[] = [];

  beforeAll(async () => {
    const db = await openScratchPg();
    setDatabase(db);
    fake = await startFakeOpenAI({ machine: "suspension" });
    await registerBackend("suspension", fake.url, [{ id: "chat", upstream: "echo" }]);
    instances = await Promise.all([startInstance({ DATABASE_URL: db.url }), startInstance({ DATABASE_URL: db.url })]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop("SIGKILL")));
    await fake.close();
    await closeDatabase();
  });

  async function call(instance: Instance, secret: string) {
    const res = await fetch(`${instance.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hello" }], max_tokens: 5 }),
    });
    const body = (await res.json()) as { error?: { code: string; message: string; type: string } };
    return { status: res.status, error: body.error };
  }

  /** The status every instance gives each secret, as "status status" per secret. */
  const statuses = async (secrets: string[]) => Promise.all(secrets.map(async (s) => (await Promise.all(instances.map((i) => call(i, s)))).map((r) => r.status).join(" ")));

  /** How long until every instance answers every secret as expected (polled every 50 ms, up to 3 s). */
  async function settlesWithin(secrets: string[], expected: string[]) {
    const started = Date.now();
    let seen: string[] = [];
    while (Date.now() - started < 3_000) {
      seen = await statuses(secrets);
      if (seen.join() === expected.join()) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`expected ${expected.join(", ")}, still ${seen.join(", ")}`);
  }

  it("refuses every key of a suspended account with 403 within a second everywhere, and unsuspending restores exactly the valid ones", async () => {
    const t = await createTenant();
    const second = await createKey({ userId: t.user.id, name: "second" });
    const revoked = await createKey({ userId: t.user.id, name: "revoked before" });
    const neighbour = await createTenant();
    await revokeKey({ id: revoked.key.id, scope: { accountId: t.account.id } });
    const secrets = [t.secret, second.secret, revoked.secret, neighbour.secret];

    // Every instance knows every key (the cache is warm): the suspension must reach it anyway.
    expect(await statuses(secrets)).toEqual(["200 200", "200 200", "401 401", "200 200"]);

    await setAccountSuspension({ accountId: t.account.id, suspended: true, reason: "unpaid" });
    const suspendedIn = await settlesWithin(secrets, ["403 403", "403 403", "401 401", "200 200"]);
    expect(suspendedIn).toBeLessThan(1_000);
    const refused = await call(instances[1]!, t.secret);
    expect(refused.error).toMatchObject({ type: "permission_error", code: "account_suspended" });
    expect(refused.error!.message).toMatch(/suspended/);
    expect(refused.error!.message).toMatch(/platform administrator/);
    // Every endpoint: the refusal comes before the endpoint's own work.
    const models = await fetch(`${instances[0]!.url}/v1/models`, { headers: { authorization: `Bearer ${second.secret}` } });
    expect(models.status).toBe(403);
    const backendCalls = fake.requests.length;
    await call(instances[0]!, t.secret);
    expect(fake.requests.length).toBe(backendCalls);

    // Unsuspended from the CLI: the same function, the same effect.
    expect(await main(["node", "llmaas", "account", "unsuspend", "--account", t.account.name], quiet, { manageDatabase: false })).toBe(0);
    const restoredIn = await settlesWithin(secrets, ["200 200", "200 200", "401 401", "200 200"]);
    expect(restoredIn).toBeLessThan(1_000);
  }, 60_000);

  it("refuses a key while suspended even on an instance that never saw it, and keeps a key revoked while suspended revoked", async () => {
    const t = await createTenant();
    const late = await createKey({ userId: t.user.id, name: "made while suspended" });
    expect(await main(["node", "llmaas", "account", "suspend", "--account", t.account.name, "--reason", "audit"], quiet, { manageDatabase: false })).toBe(0);
    expect(await statuses([late.secret])).toEqual(["403 403"]);
    await revokeKey({ id: t.key.id, scope: { accountId: t.account.id } });
    await setAccountSuspension({ accountId: t.account.id, suspended: false });
    await settlesWithin([late.secret, t.secret], ["200 200", "401 401"]);
  }, 60_000);
});
