import { expect, test } from "@playwright/test";
import { backendRequests, screenshotBothSchemes, signInAsAdmin } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

test("a chat streams a markdown answer with its tokens, timings and cost, and is kept", async ({ page }) => {
  await page.getByTestId("nav-chat").click();
  const chat = new ChatPage(page);
  await expect(chat.modelPicker).toHaveValue("fake-chat");
  await expect(page.getByTestId("chat-empty")).toBeVisible();
  await expect(page.getByTestId("limit-hour-value")).toHaveText(/^[\d,]+$/);
  const hourBefore = await page.getByTestId("limit-hour-value").textContent();

  // Shift+Enter makes a new line; Enter sends.
  await chat.input.fill("Hello there");
  await chat.input.press("Shift+Enter");
  await chat.input.pressSequentially("second line");
  await expect(chat.input).toHaveValue("Hello there\nsecond line");
  await chat.input.press("Enter");

  const answer = chat.lastAnswer();
  await expect(answer.getByTestId("message-assistant-text")).toContainText("Hello from fake-chat! You said: Hello there");
  await expect(answer.locator("strong")).toHaveText("fake-chat");
  await expect(answer.locator("pre code.language-python")).toContainText("def greet(name):");
  await expect(answer.getByTestId("code-copy")).toBeVisible();
  await expect(answer.getByTestId("stat-tokens-in")).toHaveText(/^\d+$/);
  await expect(answer.getByTestId("stat-tokens-out")).toHaveText(/^\d+$/);
  await expect(answer.getByTestId("stat-ttft")).toHaveText(/\d+ m?s/);
  await expect(answer.getByTestId("stat-latency")).toHaveText(/\d/);
  await expect(answer.getByTestId("stat-cost")).toHaveText(/^0\.\d+ €$/);
  await expect(answer.getByTestId("stat-backend")).toHaveText("openai on gpu-test-1");
  // The limits are re-read after the answer: the hour has fewer tokens left.
  await expect(page.getByTestId("limit-hour-value")).not.toHaveText(hourBefore ?? "");
  await expect(page.getByTestId("limit-month-value")).toHaveText(/ € of 1,000\.00 €$/);

  // Saved: the address names the conversation, the list shows it, a reload brings it back.
  await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
  await expect(chat.conversations.first()).toContainText("Hello there");
  await screenshotBothSchemes(page, "chat");
  await page.reload();
  await expect(chat.userMessages.first()).toContainText("Hello there");
  await expect(chat.lastAnswer().getByTestId("stat-cost")).toBeVisible();

  // Regenerate replaces the answer; edit-and-resend replaces the question and what followed.
  await chat.lastAnswer().getByTestId("message-regenerate").click();
  await expect(chat.assistantMessages).toHaveCount(1);
  await expect(chat.lastAnswer().getByTestId("stat-cost")).toBeVisible();
  await chat.userMessages.first().getByTestId("message-edit").click();
  await page.getByTestId("edit-input").fill("A better question");
  await page.getByTestId("edit-input").press("Enter");
  await expect(chat.lastAnswer()).toContainText("You said: A better question");
  await expect(chat.userMessages).toHaveCount(1);

  // Clear starts afresh and keeps the conversation in the history.
  await page.getByTestId("chat-clear").click();
  await expect(page.getByTestId("chat-empty")).toBeVisible();
  await expect(page).toHaveURL(/\/chat$/);
  await chat.conversations.first().click();
  await expect(chat.userMessages.first()).toContainText("A better question");

  // Deleting the conversation takes it out of the list and starts afresh.
  await expect(chat.conversations.first()).toContainText("A better question");
  await page.getByTestId("conversation-delete").first().click();
  await expect(page.getByTestId("conversations-empty")).toBeVisible();
  await expect(page).toHaveURL(/\/chat$/);
});

test("stopping an answer stops the backend, keeps what came, and bills it", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.ask("Tell me a long story");
  const answer = chat.lastAnswer();
  await expect(answer.getByTestId("message-assistant-text")).toContainText("word5");
  await expect(chat.stop).toBeVisible();
  await page.keyboard.press("Escape");

  await expect(answer.getByTestId("message-stopped")).toBeVisible();
  await expect(chat.send).toBeVisible();
  const text = await answer.getByTestId("message-assistant-text").textContent();
  expect(text).not.toContain("word399");
  await expect(answer.getByTestId("stat-cost")).toHaveText(/^≈/);
  await expect
    .poll(async () => (await backendRequests()).filter((r) => r.path === "/chat/completions").at(-1))
    .toMatchObject({ aborted: true, finished: false });
  // Nothing more arrives once stopped.
  await page.waitForTimeout(500);
  expect(await answer.getByTestId("message-assistant-text").textContent()).toBe(text);
  await screenshotBothSchemes(page, "chat-stopped");
});

test("an API error is shown in the conversation with what to do, and nothing reaches the backend", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  const before = (await backendRequests()).length;
  // More output tokens than the tier allows in an hour.
  await page.getByTestId("param-max-tokens").fill("1000000");
  await chat.ask("Write me a very long book");
  const error = chat.lastAnswer().getByTestId("message-error");
  await expect(error).toBeVisible();
  await expect(error).not.toBeEmpty();
  expect((await backendRequests()).length).toBe(before);
  await screenshotBothSchemes(page, "chat-error");

  // The proxy answers in the API's envelope too.
  const unknown = await page.request.post("/api/console/v1/chat/completions", { data: { model: "no-such-model", messages: [{ role: "user", content: "hi" }] } });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe("model_not_found");
});

test("the playground works on a phone: panels open and close, and a message streams", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const chat = new ChatPage(page);
  await chat.goto();
  await expect(page.getByTestId("settings-panel")).toBeHidden();
  await page.getByTestId("open-settings").click();
  await expect(chat.modelPicker).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("settings-panel")).toBeHidden();
  await chat.ask("Hello from a phone");
  await expect(chat.lastAnswer().getByTestId("stat-cost")).toBeVisible();
  await screenshotBothSchemes(page, "chat-phone");
  await page.getByTestId("open-history").click();
  await expect(chat.conversations.first()).toBeVisible();

  // The console's pages fold into one menu instead of a row that scrolls sideways.
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("nav-models")).toBeHidden();
  await expect(page.getByTestId("nav-menu-button")).toHaveText("Chat");
  await page.getByTestId("nav-menu-button").click();
  await screenshotBothSchemes(page, "nav-phone");
  await page.getByTestId("nav-models").click();
  await expect(page).toHaveURL(/\/models$/);
  await expect(page.getByTestId("nav-models")).toBeHidden();
  await expect(page.getByTestId("nav-menu-button")).toHaveAttribute("aria-expanded", "false");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("a reasoning model's thinking is shown apart from its answer, with its reasoning tokens", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.modelPicker.selectOption("fake-reasoner");
  await chat.ask("Think first");
  const answer = chat.lastAnswer();
  await expect(answer.getByTestId("message-assistant-text")).toContainText("Hello from fake-reasoner!");
  await answer.getByTestId("reasoning-toggle").click();
  await expect(answer.getByTestId("message-reasoning")).toHaveText("Let me think.");
  await expect(answer.getByTestId("stat-tokens-reasoning")).toHaveText("3");
});
