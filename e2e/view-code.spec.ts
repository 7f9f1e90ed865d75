import { expect, test } from "@playwright/test";
import { backendRequests, screenshotBothSchemes, signInAsAdmin } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

/** The JSON body of a curl snippet (between -d ' and the closing quote). */
function curlBody(snippet: string): Record<string, unknown> {
  const start = snippet.indexOf("-d '") + 4;
  return JSON.parse(snippet.slice(start, snippet.lastIndexOf("'")).replaceAll(`'\\''`, "'")) as Record<string, unknown>;
}

test("View code of the second turn is the request that produced the answer shown", async ({ page }) => {
  await signInAsAdmin(page);
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.modelPicker.selectOption("fake-mini");
  await chat.ask("First question");
  await expect(chat.lastAnswer()).toContainText("You said: First question");
  await chat.ask("Second question, with 'quotes'");
  await expect(chat.lastAnswer()).toContainText("You said: Second question");
  await expect(chat.lastAnswer().getByTestId("stat-cost")).toBeVisible();

  const sent = (await backendRequests()).filter((r) => r.path === "/chat/completions").at(-1)!;
  expect(sent.body.messages).toHaveLength(3);

  await page.getByTestId("view-code").click();
  const code = page.getByTestId("code-snippet");
  // The whole answer at once by default: no stream flag.
  const shown = curlBody((await code.textContent())!);
  expect(shown.stream).toBeUndefined();
  // Exactly the messages the backend received: the two questions and the first answer, not the second answer.
  expect(shown.messages).toEqual(sent.body.messages);
  expect(shown.model).toBe(sent.body.model);
  // Every parameter shown is what was sent (the gateway adds the reference's defaults to the rest).
  for (const [k, v] of Object.entries(shown)) if (k !== "messages") expect(sent.body[k]).toEqual(v);
  await screenshotBothSchemes(page, "view-code");

  // The streamed form is the console's own request.
  await page.getByTestId("view-code-stream").check();
  const streamed = curlBody((await code.textContent())!);
  expect(streamed).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  expect(sent.body.stream).toBe(true);
  expect(streamed.messages).toEqual(sent.body.messages);
});

test("the playground starts at the reference's defaults, capped by the model", async ({ page }) => {
  await signInAsAdmin(page);
  await new ChatPage(page).goto();
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.getByTestId("param-temperature-value")).toHaveValue("0.7");
  await expect(page.getByTestId("param-temperature-default")).toHaveText("default");
  await expect(page.getByTestId("param-top-p-value")).toHaveValue("1");
  await expect(page.getByTestId("param-max-tokens")).toHaveAttribute("placeholder", "1024 (default)");
  await page.getByTestId("param-temperature-value").fill("0.2");
  await expect(page.getByTestId("param-temperature-default")).toHaveCount(0);
});
