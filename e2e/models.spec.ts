import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { TINY_GGUF } from "../tests/support/models";
import { type SlowFileServer, startSlowFileServer } from "../tests/support/slow-file-server";
import { MEMBER, screenshotBothSchemes, signInAsAdmin } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

/** The e2e server's models folder (LLMAAS_DATA_DIR=.data/e2e). */
const MODELS_DIR = ".data/e2e/models";

/** The tiny model answers gibberish, but real tokens: an answer with a cost is what proves it ran. */
async function chatWith(page: import("@playwright/test").Page, model: string) {
  const chat = new ChatPage(page);
  await expect(chat.modelPicker.locator(`option[value="${model}"]`)).toHaveCount(1);
  await chat.modelPicker.selectOption(model);
  // A short answer: the first request also loads the model.
  await page.getByTestId("param-max-tokens").fill("16");
  await chat.ask("Once upon a time");
  await expect(chat.lastAnswer().getByTestId("stat-tokens-out")).toHaveText(/^[1-9]\d*$/, { timeout: 30_000 });
  await expect(chat.lastAnswer().getByTestId("stat-backend")).toHaveText(/^embedded on /);
}

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

test("a GGUF copied into the models folder appears in the model picker without a restart, answers, and goes when removed", async ({ page }) => {
  const file = path.join(MODELS_DIR, "dropped-in.gguf");
  await fs.copyFile(TINY_GGUF, file);
  try {
    // The folder is watched: the next load of the page has it.
    await expect(async () => {
      await page.goto("/chat");
      await expect(new ChatPage(page).modelPicker.locator('option[value="dropped-in"]')).toHaveCount(1, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await chatWith(page, "dropped-in");
  } finally {
    await fs.rm(file, { force: true });
  }
  await expect
    .poll(async () => ((await (await page.request.get("/api/console/v1/models")).json()) as { data: { id: string }[] }).data.map((m) => m.id), { timeout: 15_000 })
    .not.toContain("dropped-in");
});

test("an administrator uploads a GGUF from the browser with a progress bar, then chats with it", async ({ page }) => {
  // A throttled upload, six screenshots and a chat with a model loaded for it: more than the default budget on a busy machine.
  test.setTimeout(120_000);
  await page.goto("/models");
  await page.getByTestId("add-model-link").click();
  await expect(page).toHaveURL(/\/models\/add$/);
  await screenshotBothSchemes(page, "models-add");

  // A file that is not a model is refused before anything is sent.
  await page.getByTestId("upload-file").setInputFiles({ name: "notes.gguf", mimeType: "application/octet-stream", buffer: Buffer.from("not a model at all") });
  await expect(page.getByTestId("upload-error")).toContainText("does not begin with the GGUF header");

  // A slow link, so the bar is seen moving.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 300 * 1024 });
  await page.getByTestId("upload-file").setInputFiles({ name: "uploaded-tiny.gguf", mimeType: "application/octet-stream", buffer: await fs.readFile(TINY_GGUF) });
  await page.getByTestId("upload-submit").click();
  await expect(page.getByTestId("upload-progress")).toBeVisible();
  await expect(page.getByTestId("upload-progress-figures")).toContainText(/ of 1\.1 MB/);
  await screenshotBothSchemes(page, "models-add-uploading");
  await expect(page.getByTestId("upload-done")).toContainText("uploaded-tiny", { timeout: 30_000 });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const expected = createHash("sha256").update(await fs.readFile(TINY_GGUF)).digest("hex");
  await expect(page.getByTestId("upload-done")).toContainText(expected);
  await screenshotBothSchemes(page, "models-add-uploaded");

  // The same name again is refused before the upload starts.
  await page.getByTestId("upload-file").setInputFiles({ name: "uploaded-tiny.gguf", mimeType: "application/octet-stream", buffer: await fs.readFile(TINY_GGUF) });
  await page.getByTestId("upload-submit").click();
  await expect(page.getByTestId("upload-error")).toContainText("already has uploaded-tiny.gguf");

  await page.goto("/models/add");
  await page.getByTestId("upload-file").setInputFiles({ name: "uploaded-again.gguf", mimeType: "application/octet-stream", buffer: await fs.readFile(TINY_GGUF) });
  await page.getByTestId("upload-submit").click();
  await page.getByTestId("upload-done-chat").click();
  await expect(page).toHaveURL(/\/chat\?model=uploaded-again$/);
  await chatWith(page, "uploaded-again");
  await fs.rm(path.join(MODELS_DIR, "uploaded-tiny.gguf"), { force: true });
  await fs.rm(path.join(MODELS_DIR, "uploaded-again.gguf"), { force: true });
});

test.describe("pulling from a URL", () => {
  let server: SlowFileServer;
  test.beforeEach(async () => {
    // Serves the tiny model slowly and drops the first connection a third of the way in.
    server = await startSlowFileServer({ file: TINY_GGUF, name: "pulled-tiny.gguf", chunkBytes: 32 * 1024, delayMs: 60, dropAfter: 350 * 1024 });
  });
  test.afterEach(async () => {
    await server.close();
    await fs.rm(path.join(MODELS_DIR, "pulled-tiny.gguf"), { force: true });
  });

  test("a pull survives a dropped connection, shows bytes, speed and time left, verifies the SHA-256, and the model answers", async ({ page }) => {
    const expected = createHash("sha256").update(await fs.readFile(TINY_GGUF)).digest("hex");
    await page.goto("/models/add");
    await page.getByTestId("pull-sha256").fill("abc");
    await page.getByTestId("pull-url").fill(`${server.url}/pulled-tiny.gguf`);
    await page.getByTestId("pull-submit").click();
    await expect(page.getByTestId("pull-sha256-error")).toContainText("64 hexadecimal characters");

    await page.getByTestId("pull-sha256").fill(expected);
    await page.getByTestId("pull-submit").click();
    await expect(page.getByTestId("pull-progress-figures")).toContainText(/ of 1\.1 MB · [\d.]+ KB\/s · .* left/);
    await screenshotBothSchemes(page, "models-pull-running");
    await expect(page.getByTestId("pull-done")).toContainText("pulled-tiny", { timeout: 30_000 });
    await expect(page.getByTestId("pull-done")).toContainText(expected);
    // Two requests: the first cut short, the second asking for the rest.
    expect(server.requests.map((r) => r.range)).toEqual([undefined, expect.stringMatching(/^bytes=[1-9]\d*-$/)]);
    await page.getByTestId("pull-done-chat").click();
    await chatWith(page, "pulled-tiny");
  });

  test("a pull can be cancelled, and nothing of it stays", async ({ page }) => {
    // Slow enough (about 10 s for the file) that a busy machine cannot finish the pull before the click lands.
    await server.close();
    server = await startSlowFileServer({ file: TINY_GGUF, name: "pulled-tiny.gguf", chunkBytes: 32 * 1024, delayMs: 300, dropAfter: null });
    await page.goto("/models/add");
    await page.getByTestId("pull-url").fill(`${server.url}/pulled-tiny.gguf`);
    await page.getByTestId("pull-submit").click();
    await expect(page.getByTestId("pull-progress")).toBeVisible();
    await page.getByTestId("pull-cancel").click();
    await expect(page.getByTestId("pull-cancelled")).toContainText("cancelled");
    expect((await fs.readdir(MODELS_DIR)).filter((f) => f.includes("pulled-tiny"))).toEqual([]);
  });
});

test("a member cannot add models: the page says whom it is for and the server refuses", async ({ page }) => {
  await page.context().clearCookies();
  await signInAsAdmin(page, MEMBER);
  await page.goto("/models");
  await expect(page.getByTestId("add-model-link")).toHaveCount(0);
  await page.goto("/models/add");
  await expect(page.getByTestId("add-model-forbidden")).toContainText("Only platform administrators");
  const upload = await page.request.put("/api/console/models/upload?name=sneaky.gguf", { data: Buffer.from("GGUF....") });
  expect(upload.status()).toBe(403);
  const pull = await page.request.post("/api/console/models/pulls", { data: { url: "http://127.0.0.1:9/x.gguf" } });
  expect(pull.status()).toBe(403);
  expect((await pull.json()).error.code).toBe("not_platform_admin");
});
