import { type Page, expect, test } from "@playwright/test";
import { ADMIN, FAKE_BACKEND_URL, MEMBER, chatWithKey, cliKey, llmaas, screenshotBothSchemes, signInAsAdmin, unique } from "./fixtures";
import { PlatformPages } from "./pages/platform-pages";

/*
 * A platform administrator runs the platform from the browser: a tier, a
 * backend (tested), a model on it, its price; a key's next request is billed
 * that price, and every step is in the audit log.
 */

test.describe.configure({ timeout: 120_000 });

interface LedgerEntry {
  kind: string;
  amountNanos: string;
  modelId: string | null;
  details: { request_id?: string; quantities?: Record<string, string>; unit_prices_nanos?: Record<string, string> };
}

/** The account's ledger entry for a request, once the gateway has written it. */
async function ledgerEntryOf(requestId: string): Promise<LedgerEntry> {
  let found: LedgerEntry | undefined;
  await expect
    .poll(
      () => {
        const out = JSON.parse(llmaas("ledger", "--account", ADMIN.accountName, "--json")) as { entries: LedgerEntry[] };
        found = out.entries.find((e) => e.details.request_id === requestId);
        return Boolean(found);
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}

async function auditHas(page: Page, action: string, text: string) {
  await page.goto(`/audit?action=${encodeURIComponent(action)}`);
  const rows = page.getByTestId("audit-row").filter({ has: page.locator(`[data-action="${action}"]`) });
  await expect(rows.filter({ hasText: text }).first()).toBeVisible();
}

/** Models these tests add: taken out of the catalogue afterwards, so the playground's defaults are the seeded ones. */
const added: string[] = [];
test.afterAll(() => {
  for (const id of added) llmaas("model", "remove", "--id", id);
});

test("a superadmin edits a tier, adds and tests a backend, puts a model on it and prices it; a key is billed the new price; every step is audited", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAsAdmin(page);
  const platform = new PlatformPages(page);
  const backendName = unique("e2e-gpu");
  const modelId = unique("e2e-priced");
  added.push(modelId);
  const upstreamKey = `sk-e2e-${unique("upstream")}`;

  // A tier: a bad value is refused beside its field, a good one saved.
  await platform.gotoTiers();
  await screenshotBothSchemes(page, "tiers");
  await platform.tierRow("Tier 3").getByTestId("tier-edit").click();
  await page.getByTestId("tier-rpm").fill("many");
  await page.getByTestId("tier-save").click();
  await expect(page.getByTestId("tier-rpm-error")).toBeVisible();
  await screenshotBothSchemes(page, "tier-dialog");
  await page.getByTestId("tier-rpm").fill("1200");
  await page.getByTestId("tier-save").click();
  await expect(page.getByTestId("tier-saved")).toContainText("Tier 3 saved");
  await expect(platform.tierRow("Tier 3")).toContainText("1,200");

  // A backend pointing at the fake engine, its key never shown back.
  await platform.gotoBackends();
  await page.getByTestId("backend-add").click();
  await page.getByTestId("backend-name").fill(backendName);
  await page.getByTestId("backend-url").fill("not a url");
  await page.getByTestId("backend-machine").fill("e2e-machine");
  await page.getByTestId("backend-api-key").fill(upstreamKey);
  await page.getByTestId("backend-save").click();
  await expect(page.getByTestId("backend-url-error")).toBeVisible();
  await screenshotBothSchemes(page, "backend-dialog");
  await page.getByTestId("backend-url").fill(`${FAKE_BACKEND_URL}/v1`);
  await page.getByTestId("backend-save").click();
  await expect(page.getByTestId("backend-saved")).toContainText(backendName);
  const row = platform.backendRow(backendName);
  await expect(row).toContainText("key set");
  await expect(row.getByTestId("backend-live-state")).toHaveText("healthy", { timeout: 10_000 });
  expect(await page.content()).not.toContain(upstreamKey);
  // Tested before any model is on it: its health check.
  await row.getByTestId("backend-test").click();
  await expect(page.getByTestId("backend-test-result")).toHaveAttribute("data-ok", "true");
  await expect(page.getByTestId("backend-test-answer")).toContainText("Up.");
  await page.getByTestId("backend-test-dialog").getByRole("button", { name: "Close" }).click();

  // A model on it, from the add-a-model page.
  await page.goto("/models/add");
  await page.getByTestId("new-model-id").fill(modelId);
  await page.getByTestId("new-model-backend").selectOption({ label: backendName });
  await page.getByTestId("new-model-upstream").fill("e2e-upstream-name");
  await page.getByTestId("new-model-context").fill("4096");
  await page.getByTestId("new-model-submit").click();
  await page.waitForURL(`**/models/${encodeURIComponent(modelId)}`);
  await expect(page.getByTestId("model-title")).toContainText(modelId);
  await expect(page.getByTestId("model-admin")).toBeVisible();

  // Tested again: a real chat through the backend, its answer and its time.
  await platform.gotoBackends();
  await platform.backendRow(backendName).getByTestId("backend-test").click();
  await expect(page.getByTestId("backend-test-result")).toHaveAttribute("data-ok", "true");
  await expect(page.getByTestId("backend-test-result")).toContainText(modelId);
  await expect(page.getByTestId("backend-test-answer")).not.toBeEmpty();
  await expect(page.getByTestId("backend-test-ms")).toHaveText(/\d+(\.\d)? m?s/);
  await screenshotBothSchemes(page, "backends-test");
  await page.getByTestId("backend-test-dialog").getByRole("button", { name: "Close" }).click();
  await screenshotBothSchemes(page, "backends");

  // Its own prices, in force now: 3 € per million input tokens, 12 € per million output tokens.
  await page.goto(`/models/${encodeURIComponent(modelId)}`);
  const form = page.getByTestId("model-admin").getByTestId("price-form");
  await form.getByTestId("price-unit").selectOption("input_token");
  await form.getByTestId("price-value").fill("3.0001");
  await form.getByTestId("price-save").click();
  await expect(form.getByTestId("price-value-error")).toContainText("At most 3 decimals");
  await form.getByTestId("price-value").fill("3");
  await form.getByTestId("price-save").click();
  await expect(form.getByTestId("price-saved")).toBeVisible();
  await form.getByTestId("price-unit").selectOption("output_token");
  await form.getByTestId("price-value").fill("12");
  await form.getByTestId("price-save").click();
  await expect(form.getByTestId("price-saved")).toBeVisible();
  await expect(page.getByTestId("model-admin").getByTestId("price-row")).toHaveCount(2);
  await screenshotBothSchemes(page, "model-admin");

  // A key's request after the prices' time is billed at them, to the nano-euro.
  const { secret } = cliKey(ADMIN.email, unique("priced"));
  await page.waitForTimeout(1_200);
  const res = await chatWithKey(secret, { model: modelId });
  expect(res.status).toBe(200);
  const entry = await ledgerEntryOf(res.headers.get("id")!);
  expect(entry.modelId).toBe(modelId);
  expect(entry.details.unit_prices_nanos).toMatchObject({ input_token: "3000", output_token: "12000" });
  const q = entry.details.quantities!;
  expect(BigInt(entry.amountNanos)).toBe(-(BigInt(q.input_token ?? "0") * 3000n + BigInt(q.output_token ?? "0") * 12000n));

  await platform.gotoPrices();
  await expect(page.locator(`[data-testid="model-price"]`).filter({ hasText: modelId })).toHaveCount(2);
  await screenshotBothSchemes(page, "prices");

  // Every step, in the audit log, by the admin.
  for (const [action, text] of [
    ["tier.update", "Tier 3"],
    ["backend.create", backendName],
    ["backend.test", backendName],
    ["model.create", modelId],
    ["model.backend_add", backendName],
    ["price.set", modelId],
  ] as const) {
    await auditHas(page, action, text);
  }
  await expect(page.getByTestId("audit-table")).not.toContainText(upstreamKey);
});

test("hiding a model takes it out of the catalogue and out of every key's reach; showing it brings it back", async ({ page }) => {
  await signInAsAdmin(page);
  const modelId = unique("e2e-hidden");
  added.push(modelId);
  llmaas("model", "add", "--id", modelId, "--backend", "fake-gpu", "--capabilities", "chat");
  const { secret } = cliKey(ADMIN.email, unique("hide"));
  await expect.poll(async () => (await chatWithKey(secret, { model: modelId })).status).toBe(200);
  await page.goto(`/models/${encodeURIComponent(modelId)}`);
  await page.getByTestId("model-hide").click();
  await page.getByTestId("model-hide-dialog-confirm").click();
  await expect(page.getByTestId("model-visibility")).toHaveAttribute("data-visible", "false");
  await expect(page.getByTestId("model-hidden-badge")).toBeVisible();
  expect((await chatWithKey(secret, { model: modelId })).status).toBe(404);
  await page.goto("/models");
  await expect(page.getByTestId("hidden-models").getByTestId("hidden-model-link").filter({ hasText: modelId })).toBeVisible();
  await expect(page.getByTestId("catalogue-model-link").filter({ hasText: modelId })).toHaveCount(0);
  await page.getByTestId("hidden-model-link").filter({ hasText: modelId }).click();
  await page.getByTestId("model-show").click();
  await expect(page.getByTestId("model-visibility")).toHaveAttribute("data-visible", "true");
  expect((await chatWithKey(secret, { model: modelId })).status).toBe(200);
  await page.goto(`/audit?action=model.update`);
  const updates = page.getByTestId("audit-row").filter({ has: page.locator('[data-action="model.update"]') });
  await expect(updates.filter({ hasText: modelId }).filter({ hasText: "visible: true → false" }).first()).toBeVisible();
});

test("a member sees no platform page: not in the menu, and not found at its address", async ({ page }) => {
  await signInAsAdmin(page, MEMBER);
  await expect(page.getByTestId("nav-tiers")).toHaveCount(0);
  for (const path of ["/tiers", "/backends", "/prices"]) {
    await page.goto(path);
    await expect(page.getByTestId("not-found")).toBeVisible();
  }
  await page.goto("/models/fake-chat");
  await expect(page.getByTestId("model-title")).toBeVisible();
  await expect(page.getByTestId("model-admin")).toHaveCount(0);
});
