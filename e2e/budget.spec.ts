import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, expect, test } from "@playwright/test";
import { chatWithKey, cliKey, llmaas, signInAsAdmin, unique } from "./fixtures";
import { BudgetPage } from "./pages/budget-page";

interface Delivery {
  signature: string;
  body: string;
}

/** A local HTTP receiver for the account's webhook: records what it is sent and answers 204. */
async function startReceiver() {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      deliveries.push({ signature: String(req.headers["x-llmaas-signature"] ?? ""), body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/llmaas-alerts`, deliveries, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Whether `t=…,v1=…` is the HMAC-SHA256 of "t.body" with the secret. */
function signedWith(secret: string, d: Delivery): boolean {
  const parts = Object.fromEntries(d.signature.split(",").map((p) => p.split("=") as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac("sha256", secret).update(`${parts.t}.${d.body}`).digest();
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const euros = (nanos: bigint) => `${nanos / 1_000_000_000n}.${(nanos % 1_000_000_000n).toString().padStart(9, "0")}`;

async function signedIn(browser: Browser, who: { email: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAsAdmin(page, who);
  return { context, page, budget: new BudgetPage(page) };
}

test("an account admin sets a budget and alerts; crossing 50 % and 80 % alerts once each, signed to a local webhook, with a banner for admins and finance", async ({ browser }) => {
  test.setTimeout(180_000);
  // An account of its own, so that the month's spend is this test's alone whatever ran before.
  const account = unique("Budget Co");
  const people = {
    admin: { email: `${unique("anna")}@budget.test`, password: "admin password 1", role: "admin" },
    finance: { email: `${unique("felix")}@budget.test`, password: "finance password 1", role: "finance" },
    member: { email: `${unique("max")}@budget.test`, password: "member password 1", role: "member" },
  };
  llmaas("account", "create", "--name", account, "--tier", "Tier 1");
  llmaas("credit", "add", "--account", account, "--amount", "200", "--note", "e2e");
  for (const p of Object.values(people)) llmaas("user", "create", "--email", p.email, "--password", p.password, "--account", account, "--role", p.role);
  const key = cliKey(people.admin.email, unique("spender"));
  // A large prompt and few output tokens: calls of one fixed cost, each far below what it reserves.
  const call = async () => expect((await chatWithKey(key.secret, { messages: [{ role: "user", content: "x".repeat(2_000) }], max_tokens: 20 })).status).toBe(200);

  const receiver = await startReceiver();
  try {
    const admin = await signedIn(browser, people.admin);
    await admin.budget.goto();
    const before = (await admin.budget.settledSpendNanos()) ?? 0n;

    // One call shows what a call costs, once settled: until then the gauge also counts what the request reserved, far more than it used.
    await call();
    let spend = before;
    await expect
      .poll(async () => {
        await admin.budget.goto();
        const settled = await admin.budget.settledSpendNanos();
        if (settled !== null) spend = settled;
        return spend > before;
      })
      .toBe(true);
    const cost = spend - before;

    // A budget that this test's own calls cross at 50 % and 80 % and stay below 100 % of.
    const budget = spend + 25n * cost;
    await admin.budget.save({ budget: euros(budget), thresholds: "50, 80, 100", webhookUrl: receiver.url });
    await admin.budget.goto();
    await expect(admin.budget.webhookSecret).toBeVisible();
    const secret = (await admin.budget.webhookSecret.textContent())!.trim();
    await expect(admin.budget.alerts).toHaveCount(0);

    let calls = 0;
    while ((spend + BigInt(calls) * cost) * 100n < budget * 80n) {
      await call();
      calls++;
    }
    expect((spend + BigInt(calls) * cost) * 100n).toBeLessThan(budget * 100n);

    // Each threshold crossed reaches the receiver once, signed with the account's secret.
    await expect.poll(() => receiver.deliveries.map((d) => JSON.parse(d.body).threshold_percent).sort(), { timeout: 20_000 }).toEqual([50, 80]);
    for (const d of receiver.deliveries) {
      expect(signedWith(secret, d), d.signature).toBe(true);
      const payload = JSON.parse(d.body);
      expect(payload).toMatchObject({ type: "budget.threshold_crossed", account: { name: account }, budget: { nanos: budget.toString() } });
      expect(payload.month).toMatch(/^\d{4}-\d{2}$/);
      expect(BigInt(payload.spend.nanos) * 100n).toBeGreaterThanOrEqual(budget * BigInt(payload.threshold_percent));
    }

    // The history lists each threshold once, its webhook delivered; 100 % has not fired.
    await expect
      .poll(async () => {
        await admin.budget.goto();
        return admin.page.getByTestId("alert-webhook").allTextContents();
      })
      .toEqual(["Webhook delivered", "Webhook delivered"]);
    await expect(admin.budget.alertsAt(50)).toHaveCount(1);
    await expect(admin.budget.alertsAt(80)).toHaveCount(1);
    await expect(admin.budget.alertsAt(100)).toHaveCount(0);

    // The banner: the account's admins and finance see it, members do not.
    await expect(admin.budget.banner).toContainText("80 % of the monthly budget spent");
    const finance = await signedIn(browser, people.finance);
    await finance.budget.goto();
    await expect(finance.budget.banner).toContainText("80 % of the monthly budget spent");
    await expect(finance.budget.alerts).toHaveCount(2);
    const member = await signedIn(browser, people.member);
    await member.budget.goto();
    await expect(member.budget.spendGauge).toBeVisible();
    await expect(member.budget.banner).toHaveCount(0);
    await expect(member.budget.alerts).toHaveCount(0);

    expect(receiver.deliveries).toHaveLength(2);
    await Promise.all([admin.context.close(), finance.context.close(), member.context.close()]);
  } finally {
    await receiver.close();
  }
});
