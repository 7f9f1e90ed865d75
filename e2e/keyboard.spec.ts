import { type Locator, type Page, expect, test } from "@playwright/test";
import { screenshotBothSchemes, userOfAcme } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

/** The outline a focused control draws (style and width), as the browser computes it. */
const outlineOf = (locator: Locator) => locator.evaluate((el) => {
  const style = getComputedStyle(el);
  return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
});

/** Presses Tab (or Shift+Tab) until `target` has the focus, at most `limit` times; fails if it never does. */
async function tabTo(page: Page, target: Locator, { back = false, limit = 60 } = {}) {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  await expect(target).toBeFocused();
}

// A user of its own: the conversation made here is not the admin's other specs count.
let who: { email: string; password: string };

test.beforeAll(() => {
  who = userOfAcme("keys@acme.test", "member");
});

test("signing in, skipping the menu and chatting work from the keyboard alone", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByTestId("login-email")).toBeFocused();
  await page.keyboard.type(who.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(who.password);
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));

  // The first Tab stop is the skip link, shown when it has the focus; it jumps past the menu.
  await page.keyboard.press("Tab");
  const skip = page.getByTestId("skip-link");
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.screenshot({ path: "test-results/screenshots/skip-link.png" });
  await page.keyboard.press("Enter");
  await expect(page.locator("main#content")).toBeFocused();
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => !!document.activeElement?.closest("main"))).toBe(true);

  await page.goto("/chat");
  const chat = new ChatPage(page);
  await tabTo(page, chat.input);
  // The chat box shows the focus with the same 2 px outline as every other control.
  const box = chat.input.locator("xpath=..");
  expect(await outlineOf(box)).toEqual({ style: "solid", width: 2 });
  await page.screenshot({ path: "test-results/screenshots/chat-input-focus.png" });
  await page.keyboard.type("Typed with the keyboard");
  await page.keyboard.press("Enter");
  await expect(chat.lastAnswer()).toContainText("You said: Typed with the keyboard");
  await expect(chat.lastAnswer().getByTestId("stat-cost")).toBeVisible();

  // The View code snippet can be reached and scrolled without a mouse (the button is above the conversation).
  await tabTo(page, page.getByTestId("view-code"), { back: true });
  await page.keyboard.press("Enter");
  const dialog = page.getByTestId("view-code-dialog");
  await expect(dialog).toBeVisible();
  const snippet = dialog.locator("pre");
  await tabTo(page, snippet);
  expect(await outlineOf(snippet)).toMatchObject({ style: "solid" });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // A failed sign-in puts the focus back on the password to type again.
  await page.context().clearCookies();
  await page.goto("/login");
  await page.getByTestId("login-email").fill(who.email);
  await page.getByTestId("login-password").fill("not the password");
  await page.getByTestId("login-password").press("Enter");
  await expect(page.getByTestId("login-error")).toBeVisible();
  await expect(page.getByTestId("login-password")).toBeFocused();
});

test("the transcription page's file picker shows where the focus is", async ({ page }) => {
  await page.goto("/login");
  await page.getByTestId("login-email").fill(who.email);
  await page.getByTestId("login-password").fill(who.password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto("/transcribe");
  const input = page.getByTestId("audio-file");
  const label = page.locator('label[for="audio-file"]');
  expect(await outlineOf(label)).toMatchObject({ style: "none" });
  await tabTo(page, input);
  expect(await outlineOf(label)).toEqual({ style: "solid", width: 2 });
  await screenshotBothSchemes(page, "transcribe-file-focus");
});
