import { expect, test } from "@playwright/test";
import { screenshotBothSchemes, signInAsAdmin } from "./fixtures";

test("the console has a favicon", async ({ page }) => {
  const ico = await page.request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  expect((await ico.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  await page.goto("/login");
  const href = await page.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute("href");
  expect((await page.request.get(href!)).headers()["content-type"]).toContain("image/svg+xml");
});

test("a wrong address keeps the console's navigation for a signed-in user", async ({ page }) => {
  await signInAsAdmin(page);
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toContainText("Page not found");
  await expect(page.getByTestId("nav-chat")).toBeVisible();
  await screenshotBothSchemes(page, "not-found");
  await page.getByTestId("nav-models").click();
  await expect(page).toHaveURL(/\/models$/);
});
