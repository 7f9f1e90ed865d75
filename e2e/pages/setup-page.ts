import type { Locator, Page } from "@playwright/test";

export interface SetupDetails {
  accountName: string;
  name: string;
  email: string;
  password: string;
  confirm?: string;
}

export class SetupPage {
  readonly accountName: Locator;
  readonly name: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly confirm: Locator;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.accountName = page.getByTestId("setup-account-name");
    this.name = page.getByTestId("setup-name");
    this.email = page.getByTestId("setup-email");
    this.password = page.getByTestId("setup-password");
    this.confirm = page.getByTestId("setup-confirm");
    this.submit = page.getByTestId("setup-submit");
  }

  async goto() {
    await this.page.goto("/setup");
  }

  async createFirstAdmin(details: SetupDetails) {
    await this.accountName.fill(details.accountName);
    await this.name.fill(details.name);
    await this.email.fill(details.email);
    await this.password.fill(details.password);
    await this.confirm.fill(details.confirm ?? details.password);
    await this.submit.click();
  }

  /** The message under a field, e.g. fieldError("email"). */
  fieldError(field: "account-name" | "name" | "email" | "password" | "confirm") {
    return this.page.getByTestId(`setup-${field}-error`);
  }
}
