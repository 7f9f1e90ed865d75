import type { Locator, Page } from "@playwright/test";

/** The platform administration pages: tiers, backends and prices. */
export class PlatformPages {
  constructor(readonly page: Page) {}

  async gotoTiers() {
    await this.page.goto("/tiers");
  }

  async gotoBackends() {
    await this.page.goto("/backends");
  }

  async gotoPrices() {
    await this.page.goto("/prices");
  }

  /** A tier's row in the table (wide screens). */
  tierRow(name: string): Locator {
    return this.page.locator(`[data-testid="tier-row"][data-row-id="${name}"]`);
  }

  /** A backend's row in the table (wide screens). */
  backendRow(name: string): Locator {
    return this.page.locator(`[data-testid="backend-row"][data-row-id="${name}"]`);
  }
}
