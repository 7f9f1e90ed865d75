import { expect, test } from "@playwright/test";
import { screenshotBothSchemes, signInAsAdmin } from "./fixtures";

test.use({ viewport: { width: 390, height: 844 } });

test("no console page scrolls sideways on a phone", async ({ page }) => {
  // Two dozen pages, and screenshots of seven in both schemes: longer than the default on a busy machine.
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  for (const path of ["/", "/chat", "/compare", "/transcribe", "/speech", "/embeddings", "/batches", "/models", "/models/fake-chat", "/models/add", "/keys", "/usage", "/budget", "/finance", "/finance/statement", "/audit", "/members", "/tiers", "/backends", "/prices", "/accounts", "/change-password", "/no-such-page"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
  }
  // One account's page, reached from the list.
  await page.goto("/accounts");
  await page.getByTestId("account-link").filter({ visible: true }).first().click();
  await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/);
  await page.waitForLoadState("networkidle");
  expect(await page.evaluate(() => document.documentElement.scrollWidth), "an account's page").toBeLessThanOrEqual(390);
  await page.goto("/models");
  await screenshotBothSchemes(page, "models-phone");
  for (const [path, name] of [
    ["/", "overview-phone"],
    ["/models/add", "models-add-phone"],
    ["/models/fake-chat", "model-admin-phone"],
    ["/tiers", "tiers-phone"],
    ["/backends", "backends-phone"],
    ["/prices", "prices-phone"],
    ["/no-such-page", "not-found-phone"],
  ] as const) {
    await page.goto(path);
    await screenshotBothSchemes(page, name);
  }
});

test("a code block wider than a phone shows that it scrolls, and scrolls", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/");
  const block = page.getByTestId("curl-chat").locator("xpath=..");
  const { scrollWidth, clientWidth } = await block.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  expect(scrollWidth).toBeGreaterThan(clientWidth);
  await expect(block).toHaveClass(/scroll-cue/);
  await block.evaluate((el) => el.scrollBy({ left: 100 }));
  await expect.poll(() => block.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
});
