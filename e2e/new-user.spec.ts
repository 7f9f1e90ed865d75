import { expect, test } from "@playwright/test";
import { MEMBER, signInAsAdmin } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { toneWav } from "./support/wav";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==", "base64");

/*
 * The first hour of a new member: someone who has never used the console signs in
 * and, following only what the pages show, chats, compares, sends an image,
 * transcribes a file and sees what each cost.
 */
test("a new member chats, compares two models, sends an image and transcribes a file, seeing each cost", async ({ page }) => {
  await signInAsAdmin(page, MEMBER);
  await page.getByTestId("try-chat").click();

  const chat = new ChatPage(page);
  await page.getByTestId("example-prompt").first().click();
  await expect(chat.lastAnswer().getByTestId("message-assistant-text")).toContainText("Hello from fake-chat!");
  await expect(chat.lastAnswer().getByTestId("stat-cost")).toHaveText(/ €$/);

  await page.getByTestId("attach-input").setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: PNG });
  await chat.ask("What is this?");
  await expect(chat.lastAnswer()).toContainText("I see 1 image.");
  await expect(chat.lastAnswer().getByTestId("stat-cost")).toHaveText(/ €$/);

  await page.getByTestId("nav-compare").click();
  await page.getByTestId("compare-model-1").selectOption("fake-mini");
  await page.getByTestId("compare-input").fill("Hello both");
  await page.getByTestId("compare-input").press("Enter");
  await expect(page.getByTestId("compare-total")).toHaveCount(2);
  for (const total of await page.getByTestId("compare-total").all()) await expect(total).toHaveText(/ €$/);

  await page.getByTestId("nav-transcribe").click();
  await page.getByTestId("audio-file").setInputFiles({ name: "note.wav", mimeType: "audio/wav", buffer: toneWav(2) });
  await page.getByTestId("transcribe-submit").click();
  await expect(page.getByTestId("transcript-text")).toContainText("Hello from the fake transcriber.");
  await expect(page.getByTestId("stat-cost")).toHaveText(/ €$/);

  // Everything went through the member's own console key and counts against the account's limits.
  await page.getByTestId("nav-chat").click();
  await expect(page.getByTestId("limit-month-value")).toHaveText(/ € of 1,000\.00 €$/);
});
