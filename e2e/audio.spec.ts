import fs from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { endpointServed, screenshotBothSchemes, signInAsAdmin } from "./fixtures";
import { toneWav } from "./support/wav";

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

test("an uploaded WAV is transcribed into text and timed segments that play, with its cost and subtitle downloads", async ({ page }) => {
  await page.getByTestId("nav-transcribe").click();
  await expect(page.getByTestId("transcribe-empty")).toBeVisible();
  await expect(page.getByTestId("transcribe-submit")).toBeDisabled();
  await page.getByTestId("audio-file").setInputFiles({ name: "meeting.wav", mimeType: "audio/wav", buffer: toneWav(3) });
  await expect(page.getByTestId("audio-name")).toContainText("meeting.wav");
  await expect(page.getByTestId("audio-player")).toBeVisible();
  await page.getByTestId("transcribe-language").fill("en");
  await page.getByTestId("transcribe-prompt").fill("Fake, transcriber");
  await page.getByTestId("transcribe-submit").click();

  if (!(await endpointServed(page, "/audio/transcriptions"))) {
    await expect(page.getByTestId("transcribe-error")).toContainText("Unknown endpoint");
    await expect(page.getByTestId("transcribe-error")).toContainText("does not serve this endpoint yet");
    test.skip(true, "the platform does not serve /v1/audio/transcriptions yet");
  }

  await expect(page.getByTestId("transcript-text")).toHaveText("Hello from the fake transcriber. This is the second segment. And this is the last one.");
  const segments = page.getByTestId("segment");
  await expect(segments).toHaveCount(3);
  await expect(segments.nth(1).getByTestId("segment-time")).toHaveText("0:01.0 – 0:02.0");
  await expect(page.getByTestId("stat-minutes")).toHaveText("1 started min");
  await expect(page.getByTestId("stat-cost")).toHaveText(/^0\.\d+ €$/);
  await screenshotBothSchemes(page, "transcribe");

  // A segment plays from its start.
  await segments.nth(1).click();
  await expect(segments.nth(1)).toHaveAttribute("aria-current", "true");
  await expect.poll(() => page.getByTestId("audio-player").evaluate((el: HTMLAudioElement) => el.currentTime)).toBeGreaterThanOrEqual(1);

  const [srt] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-srt").click()]);
  expect(srt.suggestedFilename()).toBe("meeting.srt");
  expect(await fs.readFile((await srt.path())!, "utf8")).toContain("2\n00:00:01,000 --> 00:00:02,000\nThis is the second segment.");
  const [vtt] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-vtt").click()]);
  expect(await fs.readFile((await vtt.path())!, "utf8")).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:01\.000/);
  const [txt] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-txt").click()]);
  expect(await fs.readFile((await txt.path())!, "utf8")).toContain("This is the second segment.");

  // Translation, asked as SRT, still gives segments.
  await page.getByTestId("transcribe-task").selectOption("translate");
  await page.getByTestId("transcribe-format").selectOption("srt");
  await page.getByTestId("transcribe-submit").click();
  await expect(page.getByTestId("transcript-text")).toHaveText("This is the translation. It has three parts. The end.");
  await expect(segments).toHaveCount(3);
});

test("audio recorded from the microphone is transcribed", async ({ page, context }) => {
  await context.grantPermissions(["microphone"]);
  await page.goto("/transcribe");
  await page.getByTestId("record-start").click();
  await expect(page.getByTestId("record-stop")).toContainText("Stop recording");
  await page.waitForTimeout(1500);
  await page.getByTestId("record-stop").click();
  await expect(page.getByTestId("audio-name")).toContainText(/^recording\.(webm|ogg)/);
  await page.getByTestId("transcribe-submit").click();
  test.skip(!(await endpointServed(page, "/audio/transcriptions")), "the platform does not serve /v1/audio/transcriptions yet");
  await expect(page.getByTestId("transcript-text")).toContainText("Hello from the fake transcriber.");
  await expect(page.getByTestId("stat-cost")).toHaveText(/€$/);
});

test("speech is generated from text, plays, and downloads", async ({ page }) => {
  await page.getByTestId("nav-speech").click();
  await page.getByTestId("speech-text").fill("Good morning, this is a test.");
  await expect(page.getByTestId("speech-count")).toHaveText("29 / 4096 characters");
  await page.getByTestId("speech-voice").selectOption("nova");
  await page.getByTestId("speech-format").selectOption("wav");
  await page.getByTestId("speech-speed").fill("1.5");
  await expect(page.getByTestId("speech-speed-value")).toHaveText("1.50×");
  await page.getByTestId("speech-submit").click();

  if (!(await endpointServed(page, "/audio/speech"))) {
    await expect(page.getByTestId("speech-error")).toContainText("Unknown endpoint");
    test.skip(true, "the platform does not serve /v1/audio/speech yet");
  }

  const audio = page.getByTestId("speech-audio");
  await expect(audio).toBeVisible();
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.duration)).toBeGreaterThan(0.1);
  await audio.evaluate((el: HTMLAudioElement) => el.play());
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime)).toBeGreaterThan(0);
  await expect(page.getByTestId("stat-characters")).toHaveText("29");
  await expect(page.getByTestId("stat-cost")).toHaveText(/€$/);
  await screenshotBothSchemes(page, "speech");
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("speech-download").click()]);
  expect(file.suggestedFilename()).toBe("speech.wav");
  expect((await fs.readFile((await file.path())!)).subarray(0, 4).toString()).toBe("RIFF");
});

test("embeddings show their dimensions and a similarity matrix; rerank orders documents with scores", async ({ page }) => {
  await page.getByTestId("nav-embeddings").click();
  await page.getByTestId("embeddings-submit").click();
  if (!(await endpointServed(page, "/embeddings"))) {
    await expect(page.getByTestId("embeddings-error")).toContainText("Unknown endpoint");
    test.skip(true, "the platform does not serve /v1/embeddings yet");
  }
  await expect(page.getByTestId("stat-vectors")).toHaveText("4");
  await expect(page.getByTestId("stat-dimensions")).toHaveText("8");
  const cells = page.getByTestId("similarity-cell");
  await expect(cells).toHaveCount(16);
  await expect(cells.nth(0)).toHaveText("1.00");
  await expect(cells.nth(5)).toHaveText("1.00");
  await expect(page.getByTestId("stat-cost").first()).toHaveText(/€$/);

  await page.getByTestId("rerank-top-n").fill("3");
  await page.getByTestId("rerank-submit").click();
  const results = page.getByTestId("rerank-result");
  await expect(results).toHaveCount(3);
  await expect(results.first().getByTestId("rerank-document")).toContainText("capital and largest city of France");
  const scores = await page.getByTestId("rerank-score").allTextContents();
  expect(scores.map(Number)).toEqual([...scores.map(Number)].sort((a, b) => b - a));
  await screenshotBothSchemes(page, "embeddings");
});
