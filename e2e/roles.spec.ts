import { type Browser, expect, test } from "@playwright/test";
import { ADMIN, llmaas, signInAsAdmin, statusWith, unique } from "./fixtures";
import { KeysPage } from "./pages/keys-page";
import { type RecordedAction, actionResult, recordActions, replayAction } from "./support/server-actions";

async function signedIn(browser: Browser, who: { email: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAsAdmin(page, who);
  return { context, page };
}

const named = (actions: RecordedAction[], test: (a: RecordedAction) => boolean, what: string) => {
  const found = actions.find(test);
  if (!found) throw new Error(`the ${what} action was not recorded: ${JSON.stringify(actions)}`);
  return found;
};

test("finance reads keys, usage and budget but every change is refused, in the UI and when calling the actions directly; another account's admin gets not found", async ({ browser }) => {
  test.setTimeout(120_000);
  const finance = { email: `${unique("fiona")}@acme.test`, password: "finance password 1" };
  llmaas("user", "create", "--email", finance.email, "--password", finance.password, "--account", ADMIN.accountName, "--role", "finance", "--name", "Fiona Finance");
  const rivalAccount = unique("Rival");
  const rival = { email: `${unique("rex")}@rival.test`, password: "rival password 1" };
  llmaas("account", "create", "--name", rivalAccount);
  llmaas("user", "create", "--email", rival.email, "--password", rival.password, "--account", rivalAccount, "--role", "admin");

  // The admin creates, rotates and revokes keys and saves the budget settings: each action's request is recorded.
  const admin = await signedIn(browser, ADMIN);
  const actions = recordActions(admin.page);
  const keys = new KeysPage(admin.page);
  await keys.goto();
  const target = unique("shared-ci");
  await keys.create(target);
  await keys.closeSecret();
  await keys.rotate(target, "1h");
  const current = (await keys.secret.textContent())!.trim();
  await keys.closeSecret();
  const spare = unique("spare");
  await keys.create(spare);
  await keys.closeSecret();
  await keys.revoke(spare);
  const targetId = await keys.idOf(target);
  await admin.page.goto("/budget");
  await admin.page.getByTestId("budget-save").click();
  await expect(admin.page.getByTestId("budget-settings-saved")).toBeVisible();

  const create = named(actions, (a) => typeof a.args[0] === "object" && a.args[0] !== null && "name" in a.args[0], "create");
  const rotate = named(actions, (a) => a.args.length === 3, "rotate");
  const revoke = named(actions, (a) => a.args.length === 1 && typeof a.args[0] === "string", "revoke");
  const saveBudget = named(actions, (a) => a.url.endsWith("/budget"), "budget");
  expect(await statusWith(current)).toBe(200);

  // Finance reads every page of the account, and is offered no change.
  const fin = await signedIn(browser, finance);
  const finKeys = new KeysPage(fin.page);
  await finKeys.goto();
  await expect(finKeys.row(target)).toBeVisible();
  await expect(finKeys.readOnlyNote).toBeVisible();
  await expect(finKeys.createButton).toHaveCount(0);
  await expect(fin.page.getByTestId("key-rotate")).toHaveCount(0);
  await expect(fin.page.getByTestId("key-revoke")).toHaveCount(0);
  const keyCount = await finKeys.rows.count();
  await fin.page.goto("/usage");
  await expect(fin.page.getByTestId("usage-total-spend")).toBeVisible();
  await expect(fin.page.getByTestId("usage-user")).toBeVisible();
  await fin.page.goto("/budget");
  await expect(fin.page.getByTestId("gauge-spend")).toBeVisible();
  await expect(fin.page.getByTestId("budget-settings-readonly")).toBeVisible();
  await expect(fin.page.getByTestId("budget-settings")).toHaveCount(0);
  await expect(fin.page.getByTestId("webhook-secret")).toHaveCount(0);

  // Called directly, each action is refused: 403, and nothing changed.
  for (const [action, args] of [
    [create, [{ name: "finance was here" }]],
    [rotate, [targetId, "now", target]],
    [revoke, [targetId]],
    [saveBudget, [{ monthlyBudget: "1", thresholds: "10", webhookUrl: "http://127.0.0.1:9/hook" }]],
  ] as const) {
    const answer = await replayAction(fin.context.request, action, [...args]);
    expect(answer.text).toMatch(/403|Finance|admins/);
    expect(actionResult(answer.text), answer.text).toMatchObject({ ok: false, error: { status: 403 } });
  }
  expect(await statusWith(current)).toBe(200);
  await finKeys.goto();
  await expect(finKeys.row(target).getByTestId("key-status")).toHaveText("Rotating");
  await expect(finKeys.rows).toHaveCount(keyCount);
  await expect(fin.page.locator('[data-key-name="finance was here"]')).toHaveCount(0);
  await fin.page.goto("/budget");
  await expect(fin.page.getByTestId("budget-settings-readonly")).toContainText("The tier's cap");
  await expect(fin.page.getByTestId("budget-settings-readonly")).not.toContainText("127.0.0.1:9");

  // An admin of another account, with this account's key: not found, and the key still works.
  const other = await signedIn(browser, rival);
  for (const [action, args] of [
    [rotate, [targetId, "now", target]],
    [revoke, [targetId]],
  ] as const) {
    const answer = await replayAction(other.context.request, action, [...args]);
    expect(actionResult(answer.text), answer.text).toMatchObject({ ok: false, error: { status: 404 } });
  }
  expect(await statusWith(current)).toBe(200);
  await other.page.goto("/keys");
  await expect(other.page.locator(`[data-key-id="${targetId}"]`)).toHaveCount(0);

  await Promise.all([admin.context.close(), fin.context.close(), other.context.close()]);
});
