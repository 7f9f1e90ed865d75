import { expect, test } from "@playwright/test";
import { ADMIN, screenshotBothSchemes, BASE_URL } from "./fixtures";
import { ConsolePage } from "./pages/console-page";
import { LoginPage } from "./pages/login-page";
import { SetupPage } from "./pages/setup-page";
import { violationsInBothSchemes } from "./support/axe";

// Runs against an install nobody has set up; the last test sets it up, so order matters.
test.describe.configure({ mode: "serial" });

test("a fresh install sends every visitor to /setup", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await page.goto("/login");
  await expect(page).toHaveURL(/\/setup$/);
});

test("setup says what is wrong with each field and keeps what was typed", async ({ page }) => {
  // Four accessibility scans and two screenshots: more than the default budget on a busy machine.
  test.setTimeout(90_000);
  const setup = new SetupPage(page);
  await setup.goto();
  expect(await violationsInBothSchemes(page)).toEqual([]);
  await setup.createFirstAdmin({ accountName: " ", name: "Ada", email: "not-an-email", password: "short", confirm: "other" });

  await expect(setup.fieldError("account-name")).toHaveText("Enter a name for the account");
  await expect(setup.fieldError("email")).toHaveText("Enter a valid email address");
  await expect(setup.fieldError("password")).toHaveText("Use at least 8 characters");
  await expect(setup.fieldError("confirm")).toHaveText("The passwords do not match");
  await expect(setup.email).toHaveValue("not-an-email");
  await expect(setup.name).toHaveValue("Ada");
  await expect(setup.password).toHaveValue("");
  await expect(page.getByTestId("setup-passwords-cleared")).toContainText("type them again");
  await expect(setup.email).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/setup$/);
  // Focus goes to the first field to correct, not back to the top of the page.
  await expect(setup.accountName).toBeFocused();
  expect(await violationsInBothSchemes(page)).toEqual([]);
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
  // Once something goes wrong, the old notice gives way to the error.
  await login.signIn(ADMIN.email, "not the password");
  await expect(page.getByTestId("login-error")).toHaveText("Invalid email or password");
  await expect(login.notice).toHaveCount(0);
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
  // The configured folder, not a fixed path; and the console way for the platform's administrator.
  await expect(page.getByTestId("no-models-gguf")).toContainText(".data/e2e/models");
  await expect(page.getByTestId("no-models-add")).toHaveAttribute("href", "/models/add");
  await screenshotBothSchemes(page, "chat-no-models");

  // Capabilities the built-in engine does not serve say what does, with the exact commands.
  await page.goto("/transcribe");
  await expect(page.getByTestId("no-models")).toContainText("No transcription model is available yet");
  await expect(page.getByTestId("no-models-gguf")).toHaveCount(0);
  await expect(page.getByTestId("no-models-commands")).toContainText("npx llmaas backend add --name stt --engine openai");
  await expect(page.getByTestId("no-models-commands")).toContainText("--capabilities transcription");
  await screenshotBothSchemes(page, "transcribe-no-models");
  await page.goto("/embeddings");
  await expect(page.getByTestId("no-models").last()).toContainText("No rerank model is available yet");
  await expect(page.getByTestId("no-models").last().getByTestId("no-models-commands")).toContainText("--capabilities rerank");

  // The overview says what works and what is next.
  await page.goto("/");
  await expect(page.getByTestId("next-step-title")).toHaveText("Add a chat model");
  await expect(page.getByTestId("capability-speech-models")).toHaveText("espeak-ng");
  await expect(page.getByTestId("capability-chat-models")).toHaveText("No model yet");
  await expect(page.getByTestId("spend-month")).toHaveText("0.00 €");
  await screenshotBothSchemes(page, "overview-fresh");
});

test("on a fresh install, speech answers at once from the built-in engine", async ({ page }) => {
  await new LoginPage(page).goto();
  await new LoginPage(page).signIn(ADMIN.email, ADMIN.password);
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto("/speech");
  await expect(page.getByTestId("speech-model")).toHaveValue("espeak-ng");
  await page.getByTestId("speech-text").fill("Welcome to your own platform.");
  await page.getByTestId("speech-format").selectOption("wav");
  await page.getByTestId("speech-submit").click();
  const audio = page.getByTestId("speech-audio");
  await expect(audio).toBeVisible();
  // The browser decodes it: a real WAV of about two seconds of speech.
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.duration)).toBeGreaterThan(1);
  await expect(page.getByTestId("stat-characters")).toHaveText("29");
  await expect(page.getByTestId("stat-cost")).toHaveText(/^0\.\d+ €$/);
  await screenshotBothSchemes(page, "speech-built-in");

  // mp3, OpenAI's default format, too.
  const mp3 = await page.request.post("/api/console/v1/audio/speech", { data: { model: "espeak-ng", input: "Hello", voice: "nova" } });
  expect(mp3.status()).toBe(200);
  expect(mp3.headers()["content-type"]).toBe("audio/mpeg");
  expect((await mp3.body())[0]).toBe(0xff);
});
