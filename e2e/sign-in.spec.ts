import { expect, test } from "@playwright/test";
import { ADMIN, screenshotBothSchemes, BASE_URL } from "./fixtures";
import { ConsolePage } from "./pages/console-page";
import { LoginPage } from "./pages/login-page";

test("/setup is gone once a user exists", async ({ page }) => {
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$/);
});

test("a visitor who is not signed in is sent to /login", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(new LoginPage(page).email).toBeVisible();
});

test("a wrong password or an unknown email get the same answer", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await screenshotBothSchemes(page, "login");

  await login.signIn(ADMIN.email, "wrong password");
  await expect(login.error).toHaveText("Invalid email or password");
  await expect(login.email).toHaveValue(ADMIN.email);
  await expect(page).toHaveURL(/\/login$/);
  await screenshotBothSchemes(page, "login-error");

  await login.signIn("nobody@acme.test", ADMIN.password);
  await expect(login.error).toHaveText("Invalid email or password");
});

test("signing in returns to the page that was asked for", async ({ page }) => {
  await page.goto("/?from=bookmark");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2F%3Ffrom%3Dbookmark$/);
  await new LoginPage(page).signIn(ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/\?from=bookmark$/);
  await expect(new ConsolePage(page).signedInEmail).toHaveText(ADMIN.email);
});

test("a callback to another site is ignored", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto("https://example.com/steal");
  await login.signIn(ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(`${BASE_URL}/`);
});

test("signing in works with the keyboard alone, and /login then leads to the console", async ({ page }) => {
  await new LoginPage(page).goto();
  // The email field has focus when the page opens.
  await page.keyboard.type(ADMIN.email.toUpperCase());
  await page.keyboard.press("Tab");
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press("Enter");

  const overview = new ConsolePage(page);
  await expect(overview.signedInEmail).toHaveText(ADMIN.email);
  await screenshotBothSchemes(page, "overview");

  await page.goto("/login");
  await expect(page).toHaveURL(/\/$/);
});

test("an unknown page says so and links back", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByTestId("not-found-home").click();
  await expect(page).toHaveURL(/\/login$/);
});
