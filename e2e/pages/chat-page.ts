import { type Locator, type Page, expect } from "@playwright/test";

/** The chat playground. */
export class ChatPage {
  readonly input: Locator;
  readonly send: Locator;
  readonly stop: Locator;
  readonly modelPicker: Locator;
  readonly systemPrompt: Locator;
  readonly assistantMessages: Locator;
  readonly userMessages: Locator;
  readonly limits: Locator;
  readonly conversations: Locator;
  readonly newChat: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByTestId("chat-input");
    this.send = page.getByTestId("chat-send");
    this.stop = page.getByTestId("chat-stop");
    this.modelPicker = page.getByTestId("model-picker");
    this.systemPrompt = page.getByTestId("system-prompt");
    this.assistantMessages = page.getByTestId("message-assistant");
    this.userMessages = page.getByTestId("message-user");
    this.limits = page.getByTestId("limits-panel");
    this.conversations = page.getByTestId("conversation-link");
    this.newChat = page.getByTestId("chat-new");
  }

  async goto() {
    await this.page.goto("/chat");
    // Typed before React has hydrated the page, a field's text is lost at its next render.
    await this.page.waitForLoadState("networkidle");
  }

  lastAnswer() {
    return this.assistantMessages.last();
  }

  /** Types a message and sends it with Enter, as a person would. */
  async ask(text: string) {
    await this.input.fill(text);
    // The previous answer may still be settling (its billed figures being read).
    await expect(this.send).toBeEnabled();
    await this.input.press("Enter");
  }
}
