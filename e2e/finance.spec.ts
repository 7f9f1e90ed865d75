import { expect, test } from "@playwright/test";
import { ADMIN, chatWithKey, cliKey, llmaas, signInAsAdmin, unique } from "./fixtures";

/** The account's ledger for this month, exact (the CLI's JSON). */
function ledger(account: string) {
  const out = llmaas("ledger", "--account", account, "--json");
  const s = JSON.parse(out.slice(out.indexOf("{"))) as {
    entries: { kind: string; amountNanos: string; note: string | null }[];
    totals: { creditsNanos: string; usageNanos: string; adjustmentsNanos: string };
  };
  return { entries: s.entries, usage: BigInt(s.totals.usageNanos), credits: BigInt(s.totals.creditsNanos), adjustments: BigInt(s.totals.adjustmentsNanos) };
}

test("finance reads the month's statement equal to the ledger, a negative adjustment shows with its reason, and the credit actions are in the audit log", async ({ browser }) => {
  // Seven runs of the CLI, each a new Node process: longer than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  // A prepaid account with credit, an admin who makes a key, and a finance user.
  const name = unique("Globex");
  const created = llmaas("account", "create", "--name", name, "--tier", "Tier 1");
  const accountId = /\(([0-9a-f-]{36})\)/.exec(created)![1]!;
  llmaas("credit", "add", "--account", name, "--amount", "200", "--note", "Invoice 2026-117");
  const admin = { email: `${unique("gina")}@globex.test`, password: "globex admin password" };
  const finance = { email: `${unique("fred")}@globex.test`, password: "globex finance password" };
  llmaas("user", "create", "--email", admin.email, "--password", admin.password, "--account", name, "--role", "admin");
  llmaas("user", "create", "--email", finance.email, "--password", finance.password, "--account", name, "--role", "finance");
  const key = cliKey(admin.email, "statement");
  for (let i = 0; i < 3; i++) expect((await chatWithKey(key.secret, { max_tokens: 12 + i })).status).toBe(200);

  // The platform administrator books a refund as a negative adjustment, in the browser.
  const superadmin = await browser.newContext();
  const sa = await superadmin.newPage();
  await signInAsAdmin(sa, ADMIN);
  await sa.goto(`/finance?account=${accountId}`);
  await sa.getByTestId("credit-kind-adjustment").check();
  // A reason is mandatory: refused beside the field, nothing booked.
  await sa.getByTestId("credit-amount").fill("-12.50");
  await sa.getByTestId("credit-submit").click();
  await expect(sa.getByText("Say why: an adjustment needs a reason")).toBeVisible();
  await sa.getByTestId("credit-reason").fill("Refund for the outage of 12 Nov");
  await sa.getByTestId("credit-submit").click();
  await expect(sa.getByTestId("credit-saved")).toContainText("187.50 €");

  const l = ledger(name);
  expect(l.usage).toBeGreaterThan(0n);
  expect(l.adjustments).toBe(-12_500_000_000n);
  expect(l.entries.filter((e) => e.kind === "adjustment").map((e) => e.note)).toEqual(["Refund for the outage of 12 Nov"]);

  // Finance opens the month's statement from the Finance page.
  const fin = await browser.newContext();
  const page = await fin.newPage();
  await signInAsAdmin(page, finance);
  await page.goto("/finance");
  await expect(page.getByTestId("credit-form")).toHaveCount(0);
  await page.getByTestId("open-statement").click();
  await page.waitForURL(/\/finance\/statement\?/);
  await expect(page.getByTestId("statement")).toBeVisible({ timeout: 15_000 });
  const value = async (testId: string) => BigInt((await page.getByTestId(testId).getAttribute("data-value"))!);
  expect(await value("statement-lines-total")).toBe(l.usage);
  expect(await value("statement-usage")).toBe(-l.usage);
  expect(await value("statement-topups")).toBe(200_000_000_000n);
  expect(await value("statement-adjustments")).toBe(-12_500_000_000n);
  expect(await value("statement-opening")).toBe(0n);
  expect(await value("statement-closing")).toBe(200_000_000_000n - 12_500_000_000n - l.usage);
  // Each usage line is quantity × unit price, and the lines add up to the total.
  const amounts = await page.getByTestId("statement-line").locator("td[data-value]").evaluateAll((tds) => tds.map((td) => td.getAttribute("data-value")!));
  expect(amounts.reduce((s, a) => s + BigInt(a), 0n)).toBe(l.usage);
  const adjustment = page.getByTestId("statement-credit").filter({ hasText: "Adjustment" });
  await expect(adjustment).toContainText("Refund for the outage of 12 Nov");
  await expect(adjustment).toContainText("12.50 €");
  await expect(page.getByTestId("statement-credit").filter({ hasText: "Top-up" })).toContainText("Invoice 2026-117");

  // The CSV says the same, to the nano-euro.
  const href = (await page.getByTestId("statement-csv").getAttribute("href"))!;
  const csv = await (await page.request.get(href)).text();
  const nanos = (label: string) => {
    const cell = csv.split("\n").find((line) => line.startsWith(`${label},`))!.split(",")[1]!.trim();
    const negative = cell.startsWith("-");
    const [whole, frac = ""] = cell.replace("-", "").split(".");
    const n = BigInt(whole!) * 1_000_000_000n + BigInt(frac.padEnd(9, "0"));
    return negative ? -n : n;
  };
  expect(nanos("usage_eur")).toBe(l.usage);
  expect(nanos("adjustments_eur")).toBe(-12_500_000_000n);
  expect(nanos("closing_balance_eur")).toBe(200_000_000_000n - 12_500_000_000n - l.usage);
  expect(csv).toContain("Refund for the outage of 12 Nov");

  // Both credit actions are in the audit log: the CLI's top-up and the console's adjustment, with its reason.
  await sa.goto(`/audit?action=credit&account=${accountId}`);
  const rows = sa.getByTestId("audit-row");
  await expect(rows).toHaveCount(2);
  const adjust = rows.filter({ has: sa.locator('[data-action="credit.adjust"]') });
  await expect(adjust).toContainText("Refund for the outage of 12 Nov");
  await expect(adjust).toContainText(ADMIN.email);
  await expect(adjust).toContainText(name);
  await expect(rows.filter({ has: sa.locator('[data-action="credit.add"]') })).toContainText("cli:");
  await Promise.all([superadmin.close(), fin.close()]);
});
