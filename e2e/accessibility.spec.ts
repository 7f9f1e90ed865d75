import { type Page, expect, test } from "@playwright/test";
import { ADMIN, llmaas, signInAsAdmin, userOfAcme } from "./fixtures";
import { violationsInBothSchemes } from "./support/axe";
import { ChatPage } from "./pages/chat-page";
import { toneWav } from "./support/wav";

/*
 * Every console page, checked by axe-core against WCAG 2.1 AA in the light
 * and the dark scheme, as it first shows (empty) and, where a page has
 * results to show, once it shows them (filled). A new page is one line here.
 */

interface ConsolePage {
  path: string;
  /** Brings the page to its filled state: an answer, a result, a transcript. */
  fill?: (page: Page) => Promise<void>;
}

const PAGES: ConsolePage[] = [
  { path: "/" },
  { path: "/chat", fill: fillChat },
  { path: "/compare", fill: fillCompare },
  { path: "/models" },
  { path: "/models/fake-chat" },
  { path: "/embeddings", fill: fillEmbeddings },
  { path: "/speech", fill: fillSpeech },
  { path: "/transcribe", fill: fillTranscription },
  { path: "/keys", fill: fillKeys },
  // After the playgrounds above, the account has usage to chart.
  { path: "/usage" },
  { path: "/budget" },
  { path: "/finance" },
  { path: "/finance/statement" },
  { path: "/audit" },
  { path: "/batches" },
  { path: "/tiers", fill: fillTierDialog },
  { path: "/backends", fill: fillBackendTest },
  { path: "/prices" },
  { path: "/models/add" },
];

// axe runs four times on a filled page; on a busy machine that outlasts the default 30 s.
test.describe.configure({ timeout: 90_000 });

// An administrator of its own (of the platform too, for its pages): the conversations and keys made here are not the admin's other specs count.
let who: { email: string; password: string };

test.beforeAll(() => {
  who = userOfAcme("axe@acme.test", "admin", { superadmin: true });
});

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page, who);
});

for (const { path, fill } of PAGES) {
  test(`${path} has no accessibility violations, empty${fill ? " and filled" : ""}, light and dark`, async ({ page }) => {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    expect(await violationsInBothSchemes(page), "empty").toEqual([]);
    if (!fill) return;
    await fill(page);
    expect(await violationsInBothSchemes(page), "filled").toEqual([]);
  });
}

/*
 * The platform's pages are for superadmins: checked as the first-run
 * administrator, with their dialogs open too. The account page is reached
 * from the list.
 */
const PLATFORM_PAGES: { path: string; dialogs?: string[] }[] = [
  { path: "/accounts", dialogs: ["create-account"] },
  { path: "account", dialogs: ["create-member", "suspend-account"] },
  { path: "/members", dialogs: ["create-member"] },
  { path: "/change-password" },
];

for (const { path, dialogs = [] } of PLATFORM_PAGES) {
  test(`${path === "account" ? "an account's page" : path} has no accessibility violations, with its dialogs, light and dark`, async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAsAdmin(page, ADMIN);
    if (path === "account") {
      // Another account than the administrator's own (whose page offers no suspension).
      try {
        llmaas("account", "create", "--name", "Axe Check", "--tier", "Tier 1");
      } catch (err) {
        if (!String((err as { stderr?: string }).stderr ?? err).includes("already exists")) throw err;
      }
      await page.goto("/accounts?q=Axe+Check");
      await page.getByTestId("account-link").filter({ visible: true }).first().click();
      await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/);
    } else await page.goto(path);
    await page.waitForLoadState("networkidle");
    expect(await violationsInBothSchemes(page), "page").toEqual([]);
    for (const opener of dialogs) {
      await page.getByTestId(opener).click();
      await expect(page.locator("dialog[open]")).toBeVisible();
      expect(await violationsInBothSchemes(page), opener).toEqual([]);
      await page.keyboard.press("Escape");
      await expect(page.locator("dialog[open]")).toHaveCount(0);
    }
    await context.close();
  });
}

test("the sign-in page has no accessibility violations, light and dark, before and after a failed attempt", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/login");
  expect(await violationsInBothSchemes(page)).toEqual([]);
  await page.getByTestId("login-email").fill("nobody@acme.test");
  await page.getByTestId("login-password").fill("wrong password");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toBeVisible();
  expect(await violationsInBothSchemes(page)).toEqual([]);
  await context.close();
});

async function fillChat(page: Page) {
  const chat = new ChatPage(page);
  await chat.ask("Show me some code");
  await expect(chat.lastAnswer().getByTestId("stat-cost")).toBeVisible();
  await expect(chat.lastAnswer().locator("code.hljs")).toBeVisible();
  await expect(chat.conversations.first()).toBeVisible();
}

async function fillCompare(page: Page) {
  await page.getByTestId("compare-input").fill("Which of you is faster?");
  await page.getByTestId("compare-send").click();
  await expect(page.getByTestId("compare-total")).toHaveCount(2);
}

async function fillEmbeddings(page: Page) {
  await page.getByTestId("embeddings-submit").click();
  await expect(page.getByTestId("similarity-cell")).toHaveCount(16);
  await page.getByTestId("rerank-submit").click();
  await expect(page.getByTestId("rerank-result").first()).toBeVisible();
}

async function fillSpeech(page: Page) {
  await page.getByTestId("speech-text").fill("Hello from the console.");
  await page.getByTestId("speech-submit").click();
  await expect(page.getByTestId("speech-audio")).toBeVisible();
}

async function fillTranscription(page: Page) {
  await page.getByTestId("audio-file").setInputFiles({ name: "meeting.wav", mimeType: "audio/wav", buffer: toneWav(3) });
  await page.getByTestId("transcribe-submit").click();
  await expect(page.getByTestId("segment")).toHaveCount(3);
}

async function fillTierDialog(page: Page) {
  await page.locator('[data-testid="tier-row"][data-row-id="Tier 2"]').getByTestId("tier-edit").click();
  await page.getByTestId("tier-rpm").fill("none");
  await page.getByTestId("tier-save").click();
  await expect(page.getByTestId("tier-rpm-error")).toBeVisible();
}

async function fillBackendTest(page: Page) {
  await page.locator('[data-testid="backend-row"][data-row-id="fake-gpu"]').getByTestId("backend-test").click();
  await expect(page.getByTestId("backend-test-result")).toBeVisible();
}

async function fillKeys(page: Page) {
  llmaas("key", "create", "--email", who.email, "--name", "accessibility-check");
  await page.reload();
  await expect(page.getByText("accessibility-check").filter({ visible: true })).toBeVisible();
}
