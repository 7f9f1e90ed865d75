import { expect, test } from "@playwright/test";
import { BASE_URL, screenshotBothSchemes, signInAsAdmin } from "./fixtures";

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

test("the catalogue lists every model with prices and backends, and filters by capability and text", async ({ page }) => {
  await page.getByTestId("nav-models").click();
  const cards = page.getByTestId("catalogue-model");
  // The fake backend's seven and the built-in voice.
  await expect(cards).toHaveCount(8);
  await expect(page.getByTestId("catalogue-count")).toHaveText("8 of 8 models");
  await expect(cards.filter({ hasText: "espeak-ng" }).getByTestId("backend-health")).toContainText("embedded");
  const chat = cards.filter({ hasText: "fake-chat" });
  await expect(chat.getByTestId("price-input_token")).toHaveText(/€ \/ M tokens$/);
  await expect(chat.getByTestId("price-output_token")).toHaveText(/€ \/ M tokens$/);
  await expect(chat.getByTestId("backend-health")).toContainText("fake-gpu");
  await expect(chat.getByTestId("backend-state")).toHaveText("healthy");
  await expect(chat).toContainText("also chat-default");
  await expect(cards.filter({ hasText: "fake-whisper" }).getByTestId("price-audio_minute")).toHaveText(/€ \/ started minute$/);
  await screenshotBothSchemes(page, "catalogue");

  await page.getByTestId("catalogue-filter-vision").click();
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText("fake-chat");
  await page.getByTestId("catalogue-filter-chat").click();
  await expect(cards).toHaveCount(3);
  await page.getByTestId("catalogue-search").fill("thinks");
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText("fake-reasoner");
  await page.getByTestId("catalogue-search").fill("nothing like this");
  await expect(page.getByTestId("catalogue-empty")).toBeVisible();
  await page.getByTestId("catalogue-clear").click();
  await expect(cards).toHaveCount(8);
  // An alias finds its model.
  await page.getByTestId("catalogue-search").fill("chat-default");
  await expect(cards).toHaveCount(1);
});

test("a model's page shows its prices, backends and an example request, and leads to the playground", async ({ page }) => {
  await page.goto("/models");
  await page.getByTestId("catalogue-model-link").filter({ hasText: "fake-chat" }).click();
  await expect(page).toHaveURL(/\/models\/fake-chat$/);
  await expect(page.getByTestId("model-title")).toHaveText("fake-chat");
  await expect(page.getByTestId("model-context")).toHaveText("32,768 tokens");
  await expect(page.getByTestId("model-aliases")).toHaveText("chat-default");
  await expect(page.getByTestId("model-backends")).toContainText("openai on gpu-test-1");
  const example = page.getByTestId("example-request");
  await expect(example).toContainText(`curl ${BASE_URL}/v1/chat/completions`);
  await expect(example).toContainText('"model": "fake-chat"');
  await page.getByTestId("example-tab-python").click();
  await expect(example).toContainText("client.chat.completions.create(");
  await page.getByTestId("example-tab-javascript").click();
  await expect(example).toContainText(`new OpenAI({ baseURL: "${BASE_URL}/v1"`);
  await screenshotBothSchemes(page, "model");

  await page.getByTestId("model-try").click();
  await expect(page).toHaveURL(/\/chat\?model=fake-chat$/);
  await expect(page.getByTestId("model-picker")).toHaveValue("fake-chat");

  await page.goto("/models/fake-whisper");
  await expect(page.getByTestId("example-request")).toContainText("-F file=@audio.wav");
  await page.goto("/models/no-such-model");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
