import { type Page, expect, test } from "@playwright/test";
import { llmaas, screenshotBothSchemes, signInAsAdmin } from "./fixtures";

const OTHER = { email: "olga@other-batches.test", password: "other password 12" } as const;

const line = (customId: string, content: string) =>
  JSON.stringify({ custom_id: customId, method: "POST", url: "/v1/chat/completions", body: { model: "fake-chat", messages: [{ role: "user", content }], max_tokens: 20 } });

/** A batch made through the console's way into the API (the same pipeline as /v1). */
async function startBatch(page: Page) {
  const upload = await page.request.post("/api/console/v1/files", {
    multipart: {
      purpose: "batch",
      file: { name: "questions.jsonl", mimeType: "application/jsonl", buffer: Buffer.from([line("q1", "one"), line("q2", "two"), "not json"].join("\n")) },
    },
  });
  expect(upload.status()).toBe(200);
  const file = (await upload.json()) as { id: string };
  const created = await page.request.post("/api/console/v1/batches", {
    data: { input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { description: "Nightly questions" } },
  });
  expect(created.status()).toBe(200);
  return (await created.json()) as { id: string };
}

test("the batches page shows progress and serves the output and error files to their account only", async ({ page, browser }) => {
  // A batch runs in the background and two CLI calls make the other account: more than a page's usual time.
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  await page.goto("/batches");
  await expect(page.getByTestId("batches-empty")).toBeVisible();
  await expect(page.getByTestId("batches-example")).toContainText("client.batches.create");
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshotBothSchemes(page, "batches-empty");

  const batch = await startBatch(page);
  await page.getByTestId("nav-batches").click();
  const row = page.locator(`[data-testid="batch-row"][data-batch-id="${batch.id}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("Nightly questions");
  // The page refreshes itself while the batch runs.
  await expect(row.getByTestId("batch-status")).toHaveText("Completed", { timeout: 30_000 });
  await expect(row.getByTestId("batch-progress")).toContainText("3 / 3 lines · 1 failed");
  await expect(row.getByTestId("batch-cost")).toHaveText(/^0\.\d+ €$/);
  await screenshotBothSchemes(page, "batches");

  const download = page.waitForEvent("download");
  await row.getByTestId("batch-output-link").click();
  const output = await (await download).createReadStream();
  let text = "";
  for await (const chunk of output) text += chunk;
  const results = text.trim().split("\n").map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number } });
  expect(results.map((r) => r.custom_id).sort()).toEqual(["q1", "q2"]);
  expect(results.every((r) => r.response.status_code === 200)).toBe(true);
  const errorHref = await row.getByTestId("batch-error-link").getAttribute("href");
  const errors = await page.request.get(errorHref!);
  expect(errors.status()).toBe(200);
  expect(await errors.text()).toContain('"code":"invalid_json"');

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("batch-card").first()).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshotBothSchemes(page, "batches-phone");

  // Someone of another account: the file links and the batch answer 404, and their page is empty.
  llmaas("account", "create", "--name", "Other Batches Co");
  llmaas("user", "create", "--email", OTHER.email, "--password", OTHER.password, "--account", "Other Batches Co", "--role", "admin");
  const context = await browser.newContext();
  const other = await context.newPage();
  await signInAsAdmin(other, OTHER);
  const outputHref = await row.getByTestId("batch-output-link").getAttribute("href");
  for (const href of [outputHref!, errorHref!, `/api/console/v1/batches/${batch.id}`]) {
    expect((await other.request.get(href)).status()).toBe(404);
  }
  await other.goto("/batches");
  await expect(other.getByTestId("batches-empty")).toBeVisible();
  await context.close();
});
