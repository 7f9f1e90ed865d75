import { type Locator, type Page, expect } from "@playwright/test";

/** The platform's account pages (/accounts and /accounts/[id]) and the users list they share with /members. */
export class AccountsPage {
  readonly rows: Locator;
  readonly memberRows: Locator;
  readonly balance: Locator;
  readonly state: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId("account-row");
    this.memberRows = page.getByTestId("member-row");
    this.balance = page.getByTestId("account-balance");
    this.state = page.getByTestId("account-state");
  }

  async goto() {
    await this.page.goto("/accounts");
  }

  /** Creates an account from the list and lands on its page. */
  async create(name: string, tier: string) {
    await this.page.getByTestId("create-account").click();
    await this.page.getByTestId("account-name").fill(name);
    const select = this.page.getByTestId("account-tier");
    await select.selectOption((await select.locator("option", { hasText: `${tier} (` }).getAttribute("value"))!);
    await this.page.getByTestId("create-account-submit").click();
    await this.page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/);
    await expect(this.page.getByRole("heading", { level: 1 })).toHaveText(name);
  }

  /** The account's id, from the address of its page. */
  idFromUrl(): string {
    return /\/accounts\/([0-9a-f-]{36})/.exec(this.page.url())![1]!;
  }

  async addCredit(euros: string, note: string) {
    await this.page.getByTestId("credit-kind-credit").check();
    await this.page.getByTestId("credit-amount").fill(euros);
    await this.page.getByTestId("credit-reason").fill(note);
    await this.page.getByTestId("credit-submit").click();
    await expect(this.page.getByTestId("credit-saved")).toBeVisible();
  }

  /** Adds a user with a temporary password the administrator types. */
  async addUser(user: { email: string; name: string; role: "admin" | "member" | "finance"; temporaryPassword: string }) {
    await this.page.getByTestId("create-member").click();
    const dialog = this.page.getByTestId("create-member-dialog");
    await dialog.getByTestId("member-email").fill(user.email);
    await dialog.getByTestId("member-name").fill(user.name);
    await dialog.getByTestId("member-role").selectOption(user.role);
    await dialog.getByTestId("member-temporary-password").fill(user.temporaryPassword);
    await dialog.getByTestId("create-member-submit").click();
    await expect(dialog).toBeHidden();
    await expect(this.page.getByTestId("members-notice")).toContainText(user.email);
  }

  /** The users table's row of a user, by e-mail. */
  memberRow(email: string): Locator {
    return this.memberRows.filter({ hasText: email });
  }

  async suspend(reason: string) {
    await this.page.getByTestId("suspend-account").click();
    await this.page.getByTestId("suspend-reason").fill(reason);
    await this.page.getByTestId("suspend-confirm").click();
    await expect(this.state).toHaveText("Suspended");
  }

  async unsuspend() {
    await this.page.getByTestId("unsuspend-account").click();
    await this.page.getByTestId("suspend-confirm").click();
    await expect(this.state).toHaveText("Active");
  }
}
