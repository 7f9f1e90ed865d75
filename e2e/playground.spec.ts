import { expect, test } from "@playwright/test";
import { BASE_URL, backendRequests, screenshotBothSchemes, signInAsAdmin } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

/** A 2×2 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==", "base64");

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

test("compare sends one prompt to two models in parallel, each with its tokens, latency and cost", async ({ page }) => {
  await page.getByTestId("nav-compare").click();
  await expect(page.getByTestId("compare-column")).toHaveCount(2);
  await page.getByTestId("compare-model-0").selectOption("fake-chat");
  await page.getByTestId("compare-model-1").selectOption("fake-mini");
  await page.getByTestId("compare-input").fill("Which of you is faster?");
  await page.getByTestId("compare-input").press("Enter");

  const columns = page.getByTestId("compare-column");
  for (const [i, model] of [[0, "fake-chat"], [1, "fake-mini"]] as const) {
    const column = columns.nth(i);
    await expect(column.getByTestId("compare-answer-text")).toContainText(`Hello from ${model}! You said: Which of you is faster?`);
    await expect(column.getByTestId("stat-tokens-out")).toHaveText(/^\d+$/);
    await expect(column.getByTestId("stat-latency")).toBeVisible();
    await expect(column.getByTestId("stat-cost")).toHaveText(/€$/);
    await expect(column.getByTestId("compare-total")).toHaveText(/€$/);
  }
  // Both requests were in flight at once.
  const chats = (await backendRequests()).filter((r) => r.path === "/chat/completions").slice(-2);
  expect(chats.map((r) => r.model).sort()).toEqual(["fake-chat", "fake-mini"]);

  await page.getByTestId("compare-add").click();
  await expect(columns).toHaveCount(3);
  await expect(page.getByTestId("compare-model-2")).toHaveValue("fake-reasoner");
  await page.getByTestId("compare-input").fill("And now three of you");
  await page.getByTestId("compare-send").click();
  await expect(columns.nth(2).getByTestId("compare-answer-text")).toContainText("Hello from fake-reasoner!");
  await expect(columns.nth(2).getByTestId("stat-tokens-reasoning")).toHaveText("3");
  await screenshotBothSchemes(page, "compare");
  await page.getByTestId("compare-remove-2").click();
  await expect(columns).toHaveCount(2);
});

test("view code shows the current request as curl, Python and JavaScript with the user's base URL", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.systemPrompt.fill("You are terse.");
  await page.getByTestId("param-temperature-value").fill("0.2");
  await chat.ask("Hi there");
  await expect(chat.lastAnswer().getByTestId("stat-cost")).toBeVisible();

  await page.getByTestId("view-code").click();
  const dialog = page.getByTestId("view-code-dialog");
  await expect(dialog).toBeVisible();
  const code = dialog.getByTestId("code-snippet");
  await expect(code).toContainText(`curl ${BASE_URL}/v1/chat/completions`);
  await expect(code).toContainText('"model": "fake-chat"');
  await expect(code).toContainText('"content": "You are terse."');
  await expect(code).toContainText('"temperature": 0.2');
  await expect(code).toContainText('"content": "Hi there"');
  await page.getByTestId("code-tab-python").click();
  await expect(code).toContainText(`client = OpenAI(base_url="${BASE_URL}/v1"`);
  await expect(code).toContainText("temperature=0.2,");
  await expect(code).not.toContainText("stream=True,");
  await page.getByTestId("view-code-stream").check();
  await expect(code).toContainText("stream=True,");
  await page.getByTestId("code-tab-javascript").click();
  await expect(code).toContainText("await client.chat.completions.create({");
  await screenshotBothSchemes(page, "view-code");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("tool calling: the model's call is shown, the typed result goes back, and the model continues", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await page.getByTestId("section-tools").click();
  await page.getByTestId("tools-example").click();
  await expect(page.getByTestId("tools-status")).toHaveText("1 function: get_weather");
  await chat.ask("What is the weather in Paris?");

  const call = page.getByTestId("tool-call");
  await expect(call.getByTestId("tool-call-name")).toHaveText("get_weather");
  await expect(call.getByTestId("tool-call-arguments")).toContainText('"location": "Paris, France"');
  await page.getByTestId("tool-result-input").fill('{"temperature": 21, "sky": "clear"}');
  await screenshotBothSchemes(page, "tools");
  await page.getByTestId("tool-result-send").click();

  await expect(page.getByTestId("message-tool")).toContainText('{"temperature": 21, "sky": "clear"}');
  await expect(chat.lastAnswer()).toContainText('The tool answered: {"temperature": 21, "sky": "clear"}');
  await expect(page.getByTestId("tool-result-send")).toHaveCount(0);
  const last = (await backendRequests()).filter((r) => r.path === "/chat/completions").at(-1)!;
  expect(last.tools).toBe(1);

  // Invalid JSON is caught before anything is sent.
  await page.getByTestId("tools-input").fill("[{oops");
  await expect(page.getByTestId("tools-status")).toContainText("Not valid JSON");
  await expect(chat.input).toBeDisabled();
});

test("images are attached by picker or drop, previewed, and sent only to a vision model", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.modelPicker.selectOption("fake-mini");
  await expect(page.getByTestId("attach-image")).toBeDisabled();
  await expect(page.getByTestId("model-picker-hint")).toContainText("Text only");

  await chat.modelPicker.selectOption("fake-chat");
  await expect(page.getByTestId("model-picker-hint")).toContainText("Reads images");
  await page.getByTestId("attach-input").setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: PNG });
  await expect(page.getByTestId("attachment-preview")).toHaveCount(1);
  const transfer = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], "drop.png", { type: "image/png" }));
    return dt;
  }, PNG.toString("base64"));
  await page.getByTestId("chat-area").dispatchEvent("drop", { dataTransfer: transfer });
  await expect(page.getByTestId("attachment-preview")).toHaveCount(2);
  // Pasted, as from a screenshot tool; then taken back out.
  await chat.input.evaluate((el, b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], "pasted.png", { type: "image/png" }));
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  }, PNG.toString("base64"));
  await expect(page.getByTestId("attachment-preview")).toHaveCount(3);
  await page.getByTestId("attachment-remove").last().click();
  await expect(page.getByTestId("attachment-preview")).toHaveCount(2);
  await screenshotBothSchemes(page, "vision-attached");

  await chat.ask("What is in these pictures?");
  await expect(chat.lastAnswer()).toContainText("I see 2 images.");
  await expect(page.getByTestId("message-image")).toHaveCount(2);
  await expect(page.getByTestId("attachment-preview")).toHaveCount(0);
  const last = (await backendRequests()).filter((r) => r.path === "/chat/completions").at(-1)!;
  expect(last).toMatchObject({ model: "fake-chat", images: 2 });
});
