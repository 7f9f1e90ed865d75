import type { Locator, Page } from "@playwright/test";

/** The console's frame (top bar) and its overview page. */
export class ConsolePage {
  readonly signedInEmail: Locator;
  readonly signedInAccount: Locator;
  readonly signedInRole: Locator;
  readonly topBarEmail: Locator;
  readonly signOutButton: Locator;
  readonly baseUrl: Locator;
  readonly keyCreateCommand: Locator;
  readonly curlChat: Locator;

  constructor(readonly page: Page) {
    this.signedInEmail = page.getByTestId("signed-in-email");
    this.signedInAccount = page.getByTestId("signed-in-account");
    this.signedInRole = page.getByTestId("signed-in-role");
    this.topBarEmail = page.getByTestId("top-bar-email");
    this.signOutButton = page.getByTestId("sign-out");
    this.baseUrl = page.getByTestId("base-url");
    this.keyCreateCommand = page.getByTestId("key-create-command");
    this.curlChat = page.getByTestId("curl-chat");
  }

  async goto() {
    await this.page.goto("/");
  }

  /** The copy button of a snippet, named by the snippet's test id. */
  copyButtonOf(snippetTestId: string) {
    return this.page.getByTestId(`${snippetTestId}-copy`);
  }

  async signOut() {
    await this.signOutButton.click();
  }
}
