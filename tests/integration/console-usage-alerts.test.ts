import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { createUser } from "@/lib/users";
import type { Caller } from "@/lib/console/authz";
import { budgetOverview, updateBudgetSettingsAs } from "@/lib/console/budget";
import { usageReport } from "@/lib/console/usage";
import { breakdownTable, seriesTable } from "@/lib/console/usage-table";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

interface Received {
  body: string;
  signature: string;
}

/** A real HTTP receiver for alert webhooks, failing its first delivery to exercise the retry. */
async function startReceiver() {
  const received: Received[] = [];
  let refused = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (refused === 0) {
        refused++;
        res.writeHead(503).end();
        return;
      }
      received.push({ body, signature: String(req.headers["x-llmaas-signature"] ?? "") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describeEachDriver("usage dashboard and budget alerts", () => {
  let fake: FakeBackend;
  let server: TestServer;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let admin: Caller;
  let finance: Caller;
  let member: Caller & { secret?: string };

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "dash" });
    await registerBackend("dash", fake.url, [
      { id: "m1", upstream: "echo" },
      { id: "m2", upstream: "echo" },
    ]);
    server = await startGatewayServer();
    tenant = await createTenant();
    admin = { userId: tenant.user.id, accountId: tenant.account.id, role: "admin", superadmin: false };
    const f = await createUser({ email: `fin-${tenant.account.id}@example.test`, password: "password-123", accountId: tenant.account.id, role: "finance" });
    finance = { userId: f.id, accountId: tenant.account.id, role: "finance", superadmin: false };
    const m = await createUser({ email: `mem-${tenant.account.id}@example.test`, password: "password-123", accountId: tenant.account.id, role: "member" });
    member = { userId: m.id, accountId: tenant.account.id, role: "member", superadmin: false };
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const call = (model: string, secret = tenant.secret) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hello there" }], max_tokens: 8 }),
    });
  const flushed = async () => {
    await server.runtime.gateway.idle();
    await server.runtime.gateway.options.recorder.flush();
  };
  const ledgerUsage = async () => {
    const db = await getDb();
    const r = (await db.execute(sql`select coalesce(-sum(amount_nanos), 0)::text as s from ledger_entries where account_id = ${tenant.account.id} and kind = 'usage'`)) as unknown as {
      rows: { s: string }[];
    };
    return BigInt(r.rows[0]!.s);
  };

  it("shows the month's spend equal to the ledger's usage debits, to the nano-euro, in every table", async () => {
    for (const model of ["m1", "m2", "m1", "m1"]) expect((await call(model)).status).toBe(200);
    expect((await call("nope")).status).toBe(404);
    await flushed();
    const report = await usageReport(admin, { range: "month" });
    expect(report.totals.costNanos).toBeGreaterThan(0n);
    expect(report.totals.costNanos).toBe(await ledgerUsage());
    expect(report.totals.requests).toBe(5);
    expect(report.totals.errors).toBe(1);
    const series = seriesTable(report);
    expect(series.rows.reduce((s, r) => s + BigInt(r.costNanos), 0n)).toBe(report.totals.costNanos);
    const byModel = breakdownTable(report);
    expect(byModel.rows.find((r) => r.label === "m1")!.requests).toBe(3);
    expect(byModel.rows.reduce((s, r) => s + BigInt(r.costNanos), 0n)).toBe(report.totals.costNanos);
    expect(report.latency.find((l) => l.modelId === "m1")!.latency.p50).not.toBeNull();
    // Finance reads the same; a member with no keys sees nothing of the account.
    expect((await usageReport(finance, { range: "month" })).totals.costNanos).toBe(report.totals.costNanos);
    const mine = await usageReport(member, { range: "month", user: admin.userId });
    expect(mine.totals.requests).toBe(0);
    expect(mine.everyone).toBe(false);
  });

  it("lets only the account's admins change budget and alerts", async () => {
    await expect(updateBudgetSettingsAs(finance, { monthlyBudget: "1" })).rejects.toMatchObject({ status: 403 });
    await expect(updateBudgetSettingsAs(member, { thresholds: "10" })).rejects.toMatchObject({ status: 403 });
    await expect(updateBudgetSettingsAs(admin, { thresholds: "0, 2000" })).rejects.toMatchObject({ status: 400, param: "thresholds" });
    await expect(updateBudgetSettingsAs(admin, { webhookUrl: "ftp://x" })).rejects.toMatchObject({ status: 400, param: "webhook_url" });
    await expect(updateBudgetSettingsAs(admin, { timezone: "Mars/Olympus" })).rejects.toMatchObject({ status: 400, param: "timezone" });
    expect((await budgetOverview(member)).alerts.webhookSecret).toBeNull();
  });

  it("fires each threshold once a month, to a signed webhook, retried after a failure", async () => {
    const receiver = await startReceiver();
    try {
      const before = await ledgerUsage();
      expect((await call("m1")).status).toBe(200);
      await flushed();
      const one = (await ledgerUsage()) - before;
      const spent = await ledgerUsage();
      // A budget that the spend so far puts just under 50 %, with ten more requests' room.
      const budget = spent * 2n + one * 10n;
      const euros = `${budget / 1_000_000_000n}.${(budget % 1_000_000_000n).toString().padStart(9, "0")}`;
      await updateBudgetSettingsAs(admin, { monthlyBudget: euros, thresholds: "50, 80, 100", webhookUrl: receiver.url });
      const { alerts } = await budgetOverview(admin);
      expect(alerts.history).toEqual([]);
      const secret = alerts.webhookSecret!;
      expect(secret).toMatch(/^whsec_/);

      // Cross 50 % and 80 %, then keep spending below 100 %.
      let crossed80 = false;
      for (let i = 0; i < 12 && !crossed80; i++) {
        expect((await call("m1")).status).toBe(200);
        await flushed();
        crossed80 = (await ledgerUsage()) * 100n >= budget * 80n;
      }
      expect(crossed80).toBe(true);
      expect((await call("m1")).status).toBe(200);
      await flushed();
      // Spend is checked once a second per account.
      const alerted = async () => (await budgetOverview(admin)).alerts.history.map((a) => a.thresholdPercent).sort((a, b) => a - b);
      const until = Date.now() + 5_000;
      while (!(await alerted()).includes(80) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_200));
      const thresholds = await alerted();
      expect(thresholds.filter((t) => t === 80)).toEqual([80]);
      expect(thresholds.filter((t) => t === 50)).toEqual([50]);

      // The receiver refused the first delivery: both arrive all the same, signed.
      const deadline = Date.now() + 20_000;
      while (receiver.received.length < thresholds.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received.length).toBe(thresholds.length);
      for (const r of receiver.received) {
        const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.signature)!;
        expect(createHmac("sha256", secret).update(`${t}.${r.body}`).digest("hex")).toBe(v1);
        const payload = JSON.parse(r.body);
        expect(payload.account.id).toBe(tenant.account.id);
        expect(payload.budget.nanos).toBe(budget.toString());
      }
      expect(receiver.received.map((r) => JSON.parse(r.body).threshold_percent).sort()).toEqual(thresholds.map(String).map(Number).sort());
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it("raises a threshold crossed in an instance's last second when that instance stops", async () => {
    // A second instance: its spend is checked by its own once-a-second loop, which its stop must not skip.
    const other = await startGatewayServer();
    let closed = false;
    try {
      // What one request costs (the budget out of the way), then a budget with room for twenty more (a request reserves its worst case) and a threshold the next one crosses.
      await updateBudgetSettingsAs(admin, { monthlyBudget: "1000", thresholds: "50, 80" });
      const before = await ledgerUsage();
      expect((await call("m1")).status).toBe(200);
      await flushed();
      const spent = await ledgerUsage();
      const one = spent - before;
      const budget = spent + one * 20n;
      const threshold = Number((spent * 100n) / budget) + 1;
      expect(BigInt(threshold) * budget <= (spent + one) * 100n && threshold !== 80 && threshold < 100).toBe(true);
      const euros = `${budget / 1_000_000_000n}.${(budget % 1_000_000_000n).toString().padStart(9, "0")}`;
      await updateBudgetSettingsAs(admin, { monthlyBudget: euros, thresholds: `50, 80, ${threshold}` });
      await new Promise((r) => setTimeout(r, 1_200)); // the first instance's check of the request above is done
      expect((await budgetOverview(admin)).alerts.history.map((a) => a.thresholdPercent)).not.toContain(threshold);
      const res = await fetch(`${other.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${tenant.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "m1", messages: [{ role: "user", content: "hello there" }], max_tokens: 8 }),
      });
      expect([res.status, await res.text()]).toEqual([200, expect.any(String)]);
      // Stopped at once: its last batch is written and that batch's accounts checked before close() returns.
      await other.close();
      closed = true;
      expect((await budgetOverview(admin)).alerts.history.map((a) => a.thresholdPercent)).toContain(threshold);
    } finally {
      if (!closed) await other.close();
    }
  }, 30_000);
});
