import { expect, test } from "@playwright/test";
import { screenshotBothSchemes, signInAsAdmin } from "./fixtures";

test.use({ viewport: { width: 390, height: 844 } });

test("no console page scrolls sideways on a phone", async ({ page }) => {
  await signInAsAdmin(page);
  for (const path of ["/", "/chat", "/compare", "/transcribe", "/speech", "/embeddings", "/models", "/models/fake-chat"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
  }
  await page.goto("/models");
  await screenshotBothSchemes(page, "models-phone");
});
