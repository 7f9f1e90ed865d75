import { type Locator, type Page, expect } from "@playwright/test";

/** The API keys page (/keys) and its dialogs: create, secret shown once, rotate, revoke. */
export class KeysPage {
  readonly createButton: Locator;
  readonly readOnlyNote: Locator;
  readonly rows: Locator;
  readonly createDialog: Locator;
  readonly secretDialog: Locator;
  readonly rotateDialog: Locator;
  readonly revokeDialog: Locator;
  readonly secret: Locator;
  readonly snippet: Locator;

  constructor(readonly page: Page) {
    this.createButton = page.getByTestId("create-key");
    this.readOnlyNote = page.getByTestId("keys-read-only");
    this.rows = page.getByTestId("key-row");
    this.createDialog = page.getByTestId("create-key-dialog");
    this.secretDialog = page.getByTestId("secret-dialog");
    this.rotateDialog = page.getByTestId("rotate-key-dialog");
    this.revokeDialog = page.getByTestId("revoke-key-dialog");
    this.secret = page.getByTestId("new-secret");
    this.snippet = page.getByTestId("secret-snippet");
  }

  async goto() {
    await this.page.goto("/keys");
  }

  /** The table row of a key, by its name (names are unique within a spec). */
  row(name: string): Locator {
    return this.page.locator(`[data-testid="key-row"][data-key-name="${name}"]`);
  }

  /** A key's id, as the row carries it. */
  async idOf(name: string): Promise<string> {
    return (await this.row(name).getAttribute("data-key-id"))!;
  }

  /** Opens the create dialog, names the key and submits; the secret dialog is then open. */
  async create(name: string) {
    await this.createButton.click();
    await expect(this.createDialog).toBeVisible();
    await this.page.getByTestId("key-name").fill(name);
    await this.page.getByTestId("create-key-submit").click();
    await expect(this.secretDialog).toBeVisible();
  }

  /** The snippet of a language in the open secret dialog. */
  async snippetIn(language: "curl" | "python" | "javascript"): Promise<string> {
    await this.page.getByTestId(`secret-snippet-${language}`).click();
    await expect(this.page.getByTestId(`secret-snippet-${language}`)).toHaveAttribute("aria-selected", "true");
    return (await this.snippet.textContent()) ?? "";
  }

  async closeSecret() {
    await this.page.getByTestId("secret-done").click();
    await expect(this.secretDialog).toBeHidden();
  }

  /**
   * Rotates a key: `grace` is one of the dialog's choices, or a Date until
   * which the old secret keeps working. Leaves the secret dialog open.
   */
  async rotate(name: string, grace: "now" | "1h" | "24h" | "7d" | Date) {
    await this.row(name).getByTestId("key-rotate").click();
    await expect(this.rotateDialog).toBeVisible();
    await this.page.getByTestId(`grace-${grace instanceof Date ? "date" : grace}`).check();
    if (grace instanceof Date) {
      // The input takes the browser's local time, to the minute.
      const local = await this.page.evaluate((ms) => {
        const d = new Date(ms);
        const p = (n: number) => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
      }, grace.getTime());
      await this.page.getByTestId("grace-until").fill(local);
    }
    await this.page.getByTestId("rotate-submit").click();
    await expect(this.secretDialog).toBeVisible();
  }

  /** Revokes a key after confirming in the dialog. */
  async revoke(name: string) {
    await this.row(name).getByTestId("key-revoke").click();
    await expect(this.revokeDialog).toBeVisible();
    await this.page.getByTestId("revoke-confirm").click();
    await expect(this.revokeDialog).toBeHidden();
  }
}
