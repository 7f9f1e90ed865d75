import { type Page, expect, test } from "@playwright/test";
import { ADMIN, BASE_URL, MEMBER, chatWithKey, cliKey, llmaas, signInAsAdmin, statusWith, unique } from "./fixtures";
import { KeysPage } from "./pages/keys-page";
import { actionResult, recordActions, replayAction } from "./support/server-actions";

/** The figures of one key on the usage page (this week, hourly): requests and spend, exact. */
async function usageOfKey(page: Page, keyId: string) {
  await page.goto(`/usage?range=7d&key=${keyId}`);
  const totals = page.getByTestId("usage-breakdown-totals");
  if ((await totals.count()) === 0) return { requests: 0, costNanos: 0n };
  const cells = totals.locator("td[data-value]");
  return { requests: Number(await cells.nth(0).getAttribute("data-value")), costNanos: BigInt((await cells.nth(5).getAttribute("data-value"))!) };
}

test("a member creates a key, sees its secret once with snippets, calls the API with it and finds the call and its cost on the usage page", async ({ page }) => {
  test.setTimeout(90_000);
  await signInAsAdmin(page, MEMBER);
  await page.getByTestId("nav-keys").click();
  const keys = new KeysPage(page);
  const name = unique("laptop");
  await keys.create(name);

  const secret = (await keys.secret.textContent())!.trim();
  expect(secret.length).toBeGreaterThan(20);
  for (const language of ["curl", "python", "javascript"] as const) {
    const snippet = await keys.snippetIn(language);
    expect(snippet, language).toContain(`${BASE_URL}/v1`);
    expect(snippet, language).toContain(secret);
  }
  await keys.closeSecret();
  // Closed, the secret is nowhere: not on the page, not in its markup.
  await expect(keys.row(name)).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  await page.reload();
  await expect(keys.row(name)).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  await expect(keys.row(name).getByTestId("key-status")).toHaveText("Active");
  const prefix = (await keys.row(name).getByTestId("key-prefix").textContent())!.replace("…", "");
  expect(secret.startsWith(prefix)).toBe(true);

  const res = await chatWithKey(secret, { messages: [{ role: "user", content: "Hello from my laptop" }] });
  expect(res.status).toBe(200);

  // Usage is written within about a second: the call shows on the usage page with what it cost.
  const id = await keys.idOf(name);
  await expect.poll(async () => (await usageOfKey(page, id)).requests, { timeout: 15_000 }).toBe(1);
  expect((await usageOfKey(page, id)).costNanos).toBeGreaterThan(0n);
  await expect(page.getByTestId("usage-breakdown-row")).toHaveCount(1);
  await expect(page.getByTestId("usage-total-spend")).toContainText("€");
});

test("rotation keeps the old secret until the grace period ends; revocation refuses a key at once", async ({ page }) => {
  test.setTimeout(180_000);
  await signInAsAdmin(page, MEMBER);
  const keys = new KeysPage(page);
  await keys.goto();

  // Rotate with one hour's grace: both secrets work, the list shows the old one.
  const hour = unique("ci-hour");
  await keys.create(hour);
  const first = (await keys.secret.textContent())!.trim();
  await keys.closeSecret();
  await keys.rotate(hour, "1h");
  await expect(keys.secretDialog).toContainText("The old secret keeps working until");
  const second = (await keys.secret.textContent())!.trim();
  expect(second).not.toBe(first);
  await keys.closeSecret();
  await expect(keys.row(hour).getByTestId("key-status")).toHaveText("Rotating");
  await expect(keys.row(hour).getByTestId("key-old-secret")).toContainText(first.slice(0, 8));
  await expect(keys.row(hour).getByTestId("key-old-secret")).toContainText(/ends in (59 min|1 h)/);
  expect(await statusWith(first)).toBe(200);
  expect(await statusWith(second)).toBe(200);

  // Rotate with a grace until a time the person picks, a little ahead (the picker has minutes).
  const dated = unique("ci-dated");
  await keys.create(dated);
  const old = (await keys.secret.textContent())!.trim();
  await keys.closeSecret();
  const until = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
  await keys.rotate(dated, until);
  const fresh = (await keys.secret.textContent())!.trim();
  await keys.closeSecret();
  await expect(keys.row(dated).getByTestId("key-status")).toHaveText("Rotating");
  await expect(keys.row(dated).getByTestId("key-old-secret")).toContainText(old.slice(0, 8));
  expect(await statusWith(old)).toBe(200);
  expect(await statusWith(fresh)).toBe(200);

  // Meanwhile, a revoked key is refused at once.
  const doomed = unique("doomed");
  await keys.create(doomed);
  const doomedSecret = (await keys.secret.textContent())!.trim();
  await keys.closeSecret();
  expect(await statusWith(doomedSecret)).toBe(200);
  await keys.revoke(doomed);
  // The dialog closes once the server has revoked it: the very next call is refused.
  expect(await statusWith(doomedSecret)).toBe(401);
  await expect(keys.row(doomed).getByTestId("key-status")).toHaveText("Revoked");
  await expect(keys.row(doomed).getByTestId("key-revoke")).toHaveCount(0);

  // When the grace ends, the old secret is refused by itself; the new one keeps working.
  await expect
    .poll(() => statusWith(old), { timeout: until.getTime() - Date.now() + 15_000, intervals: [1_000] })
    .toBe(401);
  expect(Date.now()).toBeGreaterThanOrEqual(until.getTime());
  expect(await statusWith(fresh)).toBe(200);
  await page.reload();
  await expect(keys.row(dated).getByTestId("key-status")).toHaveText("Active");
  await expect(keys.row(dated).getByTestId("key-old-secret")).toHaveCount(0);
});

test("members see only their own keys and cannot act on a colleague's; the admin sees and manages both", async ({ browser }) => {
  test.setTimeout(120_000);
  const colleague = { email: `${unique("carol")}@acme.test`, password: "colleague password 1" };
  const created = llmaas("user", "create", "--email", colleague.email, "--password", colleague.password, "--account", ADMIN.accountName, "--name", "Carol Colleague");
  const theirs = cliKey(colleague.email, unique("carol-key"));

  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await signInAsAdmin(member, MEMBER);
  const keys = new KeysPage(member);
  await keys.goto();
  await expect(keys.rows.first()).toBeVisible();
  expect(await member.locator(`[data-key-id="${theirs.id}"]`).count()).toBe(0);
  await expect(member.getByTestId("filter-owner")).toHaveCount(0);
  // Asking for the colleague's keys by owner changes nothing: a member's list is their own.
  const ownerId = /\(([0-9a-f-]{36})\)/.exec(created)![1]!;
  await member.goto(`/keys?owner=${ownerId}`);
  await expect(keys.rows.first()).toBeVisible();
  expect(await member.locator(`[data-key-id="${theirs.id}"]`).count()).toBe(0);
  // Nor does the usage page list it.
  await member.goto("/usage");
  expect(await member.getByTestId("usage-key").locator(`option[value="${theirs.id}"]`).count()).toBe(0);

  // The member's own revoke and rotate, replayed with the colleague's key: not found, and the key still works.
  const actions = recordActions(member);
  await keys.goto();
  const mine = unique("mine");
  await keys.create(mine);
  await keys.closeSecret();
  await keys.rotate(mine, "now");
  await keys.closeSecret();
  await keys.revoke(mine);
  const rotate = actions.find((a) => a.args.length === 3)!;
  const revoke = actions.find((a) => a.args.length === 1 && typeof a.args[0] === "string")!;
  expect(rotate).toBeTruthy();
  expect(revoke).toBeTruthy();
  for (const [action, args] of [
    [revoke, [theirs.id]],
    [rotate, [theirs.id, "now", "taken"]],
  ] as const) {
    const answer = await replayAction(memberContext.request, action, [...args]);
    expect(actionResult(answer.text), answer.text).toMatchObject({ ok: false, error: { status: 404 } });
  }
  expect(await statusWith(theirs.secret)).toBe(200);

  // The admin sees both people's keys, with their owners, and may manage them.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInAsAdmin(admin, ADMIN);
  const adminKeys = new KeysPage(admin);
  await adminKeys.goto();
  const row = admin.locator(`[data-key-id="${theirs.id}"]`);
  await expect(row).toContainText("Carol Colleague");
  await expect(row.getByTestId("key-revoke")).toBeVisible();
  await expect(admin.getByTestId("filter-owner")).toBeVisible();
  await Promise.all([memberContext.close(), adminContext.close()]);
});
