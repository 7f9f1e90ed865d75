import { type Locator, type Page, expect } from "@playwright/test";

/** The budget & limits page (/budget): gauges, the account's budget and alert settings, the alert history. */
export class BudgetPage {
  readonly spendGauge: Locator;
  readonly settings: Locator;
  readonly readOnlySettings: Locator;
  readonly webhookSecret: Locator;
  readonly alerts: Locator;
  readonly banner: Locator;

  constructor(readonly page: Page) {
    this.spendGauge = page.getByTestId("gauge-spend");
    this.settings = page.getByTestId("budget-settings");
    this.readOnlySettings = page.getByTestId("budget-settings-readonly");
    this.webhookSecret = page.getByTestId("webhook-secret");
    this.alerts = page.getByTestId("alert-row");
    this.banner = page.getByTestId("budget-alert-banner");
  }

  async goto() {
    await this.page.goto("/budget");
  }

  /** Month-to-date spend (and what requests in flight hold), exact in nano-euros, from the gauge's meter. */
  async spendNanos(): Promise<bigint> {
    return BigInt((await this.spendGauge.getByRole("meter").getAttribute("aria-valuenow"))!);
  }

  /** Month-to-date spend once no request holds any of it: settled usage alone, exact in nano-euros; null while requests are in flight or unsettled. */
  async settledSpendNanos(): Promise<bigint | null> {
    const meter = this.spendGauge.getByRole("meter");
    if ((await meter.getAttribute("data-reserved")) !== "0") return null;
    return BigInt((await meter.getAttribute("data-used"))!);
  }

  /** Saves the account's budget (euros), thresholds and webhook as an account admin does. */
  async save(values: { budget: string; thresholds: string; webhookUrl: string }) {
    await this.page.getByTestId("budget-amount").fill(values.budget);
    await this.page.getByTestId("budget-thresholds").fill(values.thresholds);
    await this.page.getByTestId("budget-webhook").fill(values.webhookUrl);
    await this.page.getByTestId("budget-save").click();
    await expect(this.page.getByTestId("budget-settings-saved")).toBeVisible();
  }

  /** The alert history's rows of one threshold. */
  alertsAt(percent: number): Locator {
    return this.page.locator(`[data-testid="alert-row"][data-threshold="${percent}"]`);
  }
}
