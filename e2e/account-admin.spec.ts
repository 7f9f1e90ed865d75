import { type Browser, type Page, expect, test } from "@playwright/test";
import { ADMIN, BASE_URL, MEMBER, chatWithKey, screenshotBothSchemes, signInAsAdmin, unique } from "./fixtures";
import { AccountsPage } from "./pages/accounts-page";
import { KeysPage } from "./pages/keys-page";
import { LoginPage } from "./pages/login-page";

/*
 * A platform administrator onboards a team without a shell: an account on
 * Tier 1, credit, users with temporary passwords; the team's admin signs in,
 * must choose a password before anything else, creates a key, and the key
 * answers a real chat completion. Suspending the account makes the key fail;
 * unsuspending restores it. Every step is in the audit log.
 */

test.describe.configure({ mode: "serial", timeout: 120_000 });

const team = {
  account: unique("Globex Research"),
  lead: { email: `${unique("lena")}@globex.test`, name: "Lena Lead", temporaryPassword: "temporary pass 1", password: "lena's own password" },
  analyst: { email: `${unique("omar")}@globex.test`, name: "Omar Analyst", temporaryPassword: "temporary pass 2" },
};
let accountId = "";
let secret = "";

async function signedIn(browser: Browser, who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAsAdmin(page, who);
  return page;
}

test("an admin onboards a team entirely in the browser, and the team's key answers a chat completion", async ({ page, browser }) => {
  await signInAsAdmin(page);
  const accounts = new AccountsPage(page);
  // The Platform group of the menu, for superadmins.
  await page.getByTestId("nav-accounts").click();
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(accounts.rows.filter({ hasText: ADMIN.accountName })).toHaveCount(1);

  await accounts.create(team.account, "Tier 1");
  accountId = accounts.idFromUrl();
  await expect(page.getByTestId("account-tier-name")).toHaveText("Tier 1");
  await expect(accounts.state).toHaveText("Active");
  // Tier 1 is prepaid: 200 € of credit activates it.
  await accounts.addCredit("250", "Onboarding, invoice 2026-0042");
  await expect(accounts.balance).toHaveText("250.00 €");

  // Its settings, each saved on its own; a budget above the tier's cap is refused beside the field.
  await page.getByTestId("account-budget-input").fill("1500");
  await page.getByTestId("account-budget-save").click();
  await expect(page.getByTestId("account-budget-input-error")).toHaveText("The budget cannot exceed the tier's monthly cap of 1,000.00 €");
  await page.getByTestId("account-budget-input").fill("12,5");
  await page.getByTestId("account-budget-save").click();
  await expect(page.getByTestId("account-budget-input-error")).toContainText("An amount in euros");
  await page.getByTestId("account-budget-input").fill("500");
  await page.getByTestId("account-budget-save").click();
  await expect(page.getByTestId("account-budget-save")).toHaveText("Saved ✓");
  await expect(page.getByText("Its own budget")).toBeVisible();
  const tierSelect = page.getByTestId("account-tier-select");
  await tierSelect.selectOption((await tierSelect.locator("option", { hasText: "Tier 2 (" }).getAttribute("value"))!);
  await page.getByTestId("account-tier-save").click();
  await expect(page.getByTestId("account-tier-name")).toHaveText("Tier 2");
  await tierSelect.selectOption((await tierSelect.locator("option", { hasText: "Tier 1 (" }).getAttribute("value"))!);
  await page.getByTestId("account-tier-save").click();
  await expect(page.getByTestId("account-tier-name")).toHaveText("Tier 1");
  team.account = `${team.account} Ltd`;
  await page.getByTestId("account-name-input").fill(team.account);
  await page.getByTestId("account-rename-save").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(team.account);

  await accounts.addUser({ ...team.lead, role: "admin" });
  await accounts.addUser({ ...team.analyst, role: "member" });
  await expect(accounts.memberRow(team.lead.email).getByTestId("member-status")).toHaveText("Temporary password");
  await expect(accounts.memberRow(team.lead.email).getByTestId("member-role-label")).toHaveText("Admin");

  // The team's lead signs in with the temporary password: nothing but choosing their own.
  const lead = await (await browser.newContext()).newPage();
  const login = new LoginPage(lead);
  await login.goto();
  await login.signIn(team.lead.email, team.lead.temporaryPassword);
  await lead.waitForURL(/\/change-password$/);
  await lead.goto("/keys");
  await expect(lead).toHaveURL(/\/change-password$/);
  const refused = await lead.request.get("/api/console/limits");
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe("password_change_required");

  await lead.getByTestId("change-password-current").fill(team.lead.temporaryPassword);
  await lead.getByTestId("change-password-new").fill(team.lead.password);
  await lead.getByTestId("change-password-confirm").fill("not the same");
  await lead.getByTestId("change-password-submit").click();
  await expect(lead.getByTestId("change-password-confirm-error")).toHaveText("The passwords do not match");
  await lead.getByTestId("change-password-confirm").fill(team.lead.password);
  await lead.getByTestId("change-password-submit").click();
  await lead.waitForURL((url) => url.pathname === "/");
  await expect(lead.getByTestId("signed-in-email")).toHaveText(team.lead.email);

  // The lead's first key; it answers a real chat completion through the gateway.
  const keys = new KeysPage(lead);
  await keys.goto();
  await keys.create("globex-ci");
  secret = (await keys.secret.textContent())!.trim();
  await keys.closeSecret();
  const res = await chatWithKey(secret);
  expect(res.status).toBe(200);
  const answer = await fetch(`${BASE_URL}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "fake-chat", messages: [{ role: "user", content: "Hello from Globex" }], max_tokens: 20 }),
  });
  const body = (await answer.json()) as { choices: { message: { content: string } }[]; usage: { total_tokens: number } };
  expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
  expect(body.usage.total_tokens).toBeGreaterThan(0);

  // The temporary password no longer works; the lead's own does.
  const again = await (await browser.newContext()).newPage();
  const relogin = new LoginPage(again);
  await relogin.goto();
  await relogin.signIn(team.lead.email, team.lead.temporaryPassword);
  await expect(relogin.error).toHaveText("Invalid email or password");
  await relogin.signIn(team.lead.email, team.lead.password);
  await again.waitForURL((url) => url.pathname === "/");

  // The administrator sees the lead's password chosen.
  await page.reload();
  await expect(accounts.memberRow(team.lead.email).getByTestId("member-status")).toHaveText("Active");
  await lead.context().close();
  await again.context().close();
});

test("suspending the account refuses its key at once; unsuspending restores it", async ({ page, browser }) => {
  test.skip(!accountId, "needs the onboarded account");
  await signInAsAdmin(page);
  const accounts = new AccountsPage(page);
  await page.goto(`/accounts/${accountId}`);
  await page.getByTestId("suspend-account").click();
  // The confirmation can be cancelled: nothing happens.
  await page.getByTestId("suspend-dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(accounts.state).toHaveText("Active");
  expect((await chatWithKey(secret)).status).toBe(200);

  await accounts.suspend("Invoice 2026-0042 unpaid");
  await expect(page.getByTestId("suspended-notice")).toBeVisible();
  await expect.poll(async () => (await chatWithKey(secret)).status, { timeout: 2_000 }).toBe(403);
  // The team still signs in, and every page says why nothing answers.
  const lead = await signedIn(browser, team.lead);
  await expect(lead.getByTestId("account-suspended-banner")).toContainText("Contact the platform administrator");
  await screenshotBothSchemes(lead, "suspended-overview");
  await screenshotBothSchemes(page, "account-suspended");
  const playground = await lead.request.post("/api/console/v1/chat/completions", { data: { model: "fake-chat", messages: [{ role: "user", content: "hi" }] } });
  expect(playground.status()).toBe(403);
  expect((await playground.json()).error.code).toBe("account_suspended");
  await lead.context().close();
  const refused = await fetch(`${BASE_URL}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
  const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
  expect(error.code).toBe("account_suspended");
  expect(error.message).toContain("Contact the platform administrator");
  await accounts.goto();
  await page.getByTestId("filter-account-status").selectOption("suspended");
  await expect(accounts.rows.filter({ hasText: team.account })).toHaveCount(1);

  await page.goto(`/accounts/${accountId}`);
  await accounts.unsuspend();
  await expect.poll(async () => (await chatWithKey(secret)).status, { timeout: 2_000 }).toBe(200);
});

test("an account's admin manages its users on the Members page; members and other accounts see nothing", async ({ browser }) => {
  test.skip(!accountId, "needs the onboarded account");
  const lead = await signedIn(browser, team.lead);
  await lead.getByTestId("nav-members").click();
  await expect(lead).toHaveURL(/\/members$/);
  const members = new AccountsPage(lead);
  await expect(members.memberRows).toHaveCount(2);
  // No Platform pages for an account's admin.
  await expect(lead.getByTestId("nav-accounts")).toHaveCount(0);
  for (const path of ["/accounts", `/accounts/${accountId}`]) {
    await lead.goto(path);
    await expect(lead.getByTestId("not-found")).toBeVisible();
  }

  await lead.goto("/members");
  // Reset the analyst's password, make them finance, then disable and enable them, each confirmed.
  const row = members.memberRow(team.analyst.email);
  await row.getByTestId("member-reset-password").click();
  await lead.getByTestId("reset-password-dialog").getByTestId("member-generate-password").click();
  const generated = await lead.getByTestId("reset-password-dialog").getByTestId("member-temporary-password").inputValue();
  expect(generated).toHaveLength(16);
  await lead.getByTestId("reset-password-submit").click();
  await expect(lead.getByTestId("members-notice")).toContainText("password is reset");

  await row.getByTestId("member-change-role").click();
  await lead.getByTestId("member-role-choice").selectOption("finance");
  await lead.getByTestId("member-role-save").click();
  await expect(row.getByTestId("member-role-label")).toHaveText("Finance");

  await row.getByTestId("member-toggle").click();
  await expect(lead.getByTestId("member-enable-dialog")).toContainText("every API key they hold is revoked");
  await lead.getByTestId("member-enable-confirm").click();
  await expect(row.getByTestId("member-status")).toHaveText("Disabled");
  await row.getByTestId("member-toggle").click();
  await lead.getByTestId("member-enable-confirm").click();
  await expect(row.getByTestId("member-status")).toHaveText("Temporary password");

  // Nobody disables themselves: their own row offers nothing.
  await expect(members.memberRow(team.lead.email).getByTestId("member-toggle")).toHaveCount(0);

  // The analyst, now finance with a generated temporary password: must change it, then reads the list only.
  const analyst = await (await browser.newContext()).newPage();
  await new LoginPage(analyst).goto();
  await new LoginPage(analyst).signIn(team.analyst.email, generated);
  await analyst.waitForURL(/\/change-password$/);
  await analyst.getByTestId("change-password-current").fill(generated);
  await analyst.getByTestId("change-password-new").fill("omar's own password");
  await analyst.getByTestId("change-password-confirm").fill("omar's own password");
  await analyst.getByTestId("change-password-submit").click();
  await analyst.waitForURL((url) => url.pathname === "/");
  await analyst.goto("/members");
  await expect(analyst.getByTestId("member-row")).toHaveCount(2);
  await expect(analyst.getByTestId("create-member")).toHaveCount(0);
  await expect(analyst.getByTestId("member-toggle")).toHaveCount(0);

  // A member of the first account has no Members page.
  const ben = await signedIn(browser, MEMBER);
  await expect(ben.getByTestId("nav-members")).toHaveCount(0);
  await ben.goto("/members");
  await expect(ben.getByTestId("not-found")).toBeVisible();
  for (const p of [lead, analyst, ben]) await p.context().close();
});

test("every step of the onboarding left its row in the audit log", async ({ page }) => {
  test.skip(!accountId, "needs the onboarded account");
  await signInAsAdmin(page);
  await page.goto(`/accounts/${accountId}`);
  await page.getByTestId("account-audit-link").click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?account=${accountId}`));
  const actions = await page.locator('[data-testid="audit-row"] [data-action]').evaluateAll((cells) => cells.map((c) => c.getAttribute("data-action")));
  for (const action of [
    "account.create",
    "account.budget",
    "account.tier",
    "account.rename",
    "credit.add",
    "user.create",
    "user.password_change",
    "key.create",
    "account.suspend",
    "account.unsuspend",
    "user.password_reset",
    "user.role",
    "user.disable",
    "user.enable",
  ]) {
    expect(actions, action).toContain(action);
  }
  expect(actions.filter((a) => a === "user.create")).toHaveLength(2);
  const text = (await page.getByTestId("audit-table").textContent()) ?? "";
  expect(text).not.toContain(team.lead.temporaryPassword);
  expect(text).not.toContain(team.lead.password);
  expect(text).toContain("Invoice 2026-0042 unpaid");
});

test("the account pages at 1440 and 390 pixels", async ({ page }) => {
  test.skip(!accountId, "needs the onboarded account");
  await signInAsAdmin(page);
  for (const [width, height, suffix] of [
    [1440, 900, "wide"],
    [390, 844, "phone"],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const [path, name] of [
      ["/accounts", "accounts"],
      [`/accounts/${accountId}`, "account"],
      ["/members", "members"],
      ["/change-password", "change-password"],
    ] as const) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scroll, `${path} at ${width} px`).toBeLessThanOrEqual(width);
      await screenshotBothSchemes(page, `${name}-${suffix}`);
    }
    await page.goto(`/accounts/${accountId}`);
    await page.getByTestId("create-member").click();
    await screenshotBothSchemes(page, `add-user-${suffix}`);
    await page.keyboard.press("Escape");
    await page.getByTestId("suspend-account").click();
    await screenshotBothSchemes(page, `suspend-${suffix}`);
    await page.keyboard.press("Escape");
    await page.goto("/accounts");
    await page.getByTestId("create-account").click();
    await screenshotBothSchemes(page, `create-account-${suffix}`);
  }
});
