import { expect, test } from "@playwright/test";
import { ADMIN, screenshotBothSchemes, BASE_URL } from "./fixtures";
import { ConsolePage } from "./pages/console-page";
import { LoginPage } from "./pages/login-page";
import { SetupPage } from "./pages/setup-page";

// Runs against an install nobody has set up; the last test sets it up, so order matters.
test.describe.configure({ mode: "serial" });

test("a fresh install sends every visitor to /setup", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await page.goto("/login");
  await expect(page).toHaveURL(/\/setup$/);
});

test("setup says what is wrong with each field and keeps what was typed", async ({ page }) => {
  const setup = new SetupPage(page);
  await setup.goto();
  await setup.createFirstAdmin({ accountName: " ", name: "Ada", email: "not-an-email", password: "short", confirm: "other" });

  await expect(setup.fieldError("account-name")).toHaveText("Enter a name for the account");
  await expect(setup.fieldError("email")).toHaveText("Enter a valid email address");
  await expect(setup.fieldError("password")).toHaveText("Use at least 8 characters");
  await expect(setup.fieldError("confirm")).toHaveText("The passwords do not match");
  await expect(setup.email).toHaveValue("not-an-email");
  await expect(setup.email).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/setup$/);
  await screenshotBothSchemes(page, "setup-errors");
});

test("the first administrator is created, signed in, and can sign out", async ({ page }) => {
  const setup = new SetupPage(page);
  await setup.goto();
  await screenshotBothSchemes(page, "setup");
  await setup.createFirstAdmin(ADMIN);

  const overview = new ConsolePage(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(overview.signedInEmail).toHaveText(ADMIN.email);
  await expect(overview.signedInAccount).toHaveText(ADMIN.accountName);
  await expect(overview.signedInRole).toContainText("Administrator");
  await expect(overview.topBarEmail).toHaveText(ADMIN.email);
  await expect(overview.baseUrl).toHaveText(`${BASE_URL}/v1`);
  await expect(overview.keyCreateCommand).toHaveText(`npx llmaas key create --email ${ADMIN.email} --name my-first-key`);

  await overview.signOut();
  const login = new LoginPage(page);
  await expect(page).toHaveURL(/\/login/);
  await expect(login.notice).toHaveText("You have signed out.");
  await overview.goto();
  await expect(page).toHaveURL(/\/login$/);
});

test("before any model is registered, the playground says so and tells the administrator how to add one", async ({ page }) => {
  await new LoginPage(page).goto();
  await new LoginPage(page).signIn(ADMIN.email, ADMIN.password);
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto("/chat");
  await expect(page.getByTestId("no-models")).toContainText("No chat model is available yet");
  await expect(page.getByTestId("no-models-admin-help")).toContainText("npx llmaas backend add");
  await expect(page.getByTestId("no-models-admin-help")).toContainText(".data/models");
  await screenshotBothSchemes(page, "chat-no-models");
  await page.goto("/models");
  await expect(page.getByTestId("no-models")).toContainText("No model is available yet");
});
