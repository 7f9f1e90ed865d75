import { expect, test } from "@playwright/test";
import { ADMIN, BASE_URL, signInAsAdmin } from "./fixtures";
import { ConsolePage } from "./pages/console-page";
import { LoginPage } from "./pages/login-page";

test("the snippets of the overview can be copied", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await new LoginPage(page).goto();
  await new LoginPage(page).signIn(ADMIN.email, ADMIN.password);
  const overview = new ConsolePage(page);
  await expect(overview.baseUrl).toBeVisible();

  await overview.copyButtonOf("base-url").click();
  await expect(overview.copyButtonOf("base-url")).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${BASE_URL}/v1`);

  await overview.copyButtonOf("curl-chat").click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("/v1/chat/completions");
});

test("the overview leads to every playground", async ({ page }) => {
  await signInAsAdmin(page);
  for (const [testId, path] of [
    ["try-chat", "/chat"],
    ["try-compare", "/compare"],
    ["try-transcribe", "/transcribe"],
    ["try-speech", "/speech"],
    ["try-embeddings", "/embeddings"],
    ["try-models", "/models"],
  ] as const) {
    await page.goto("/");
    await page.getByTestId(testId).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
  }
});
