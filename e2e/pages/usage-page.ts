import type { Locator, Page } from "@playwright/test";

/** One row of a usage table as its cells' data-value hold it: exact counts and nano-euros. */
export interface UsageCells {
  label: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNanos: bigint;
}

/** The usage dashboard (/usage): totals, the breakdown and hourly/daily tables, their CSV links. */
export class UsagePage {
  readonly totalSpend: Locator;
  readonly breakdown: Locator;
  readonly series: Locator;
  readonly csv: Locator;
  readonly breakdownCsv: Locator;

  constructor(readonly page: Page) {
    this.totalSpend = page.getByTestId("usage-total-spend");
    this.breakdown = page.getByTestId("usage-breakdown");
    this.series = page.getByTestId("usage-series");
    this.csv = page.getByTestId("usage-csv");
    this.breakdownCsv = page.getByTestId("usage-breakdown-csv");
  }

  async goto(query: Record<string, string> = {}) {
    await this.page.goto(`/usage?${new URLSearchParams(query)}`);
  }

  /** A table's rows and its totals row, read from the cells' exact values. */
  async table(which: "breakdown" | "series"): Promise<{ rows: UsageCells[]; totals: UsageCells }> {
    const table = which === "breakdown" ? this.breakdown : this.series;
    const read = async (row: Locator): Promise<UsageCells> => {
      const label = ((await row.locator("td").first().getAttribute("title")) ?? "").trim();
      const values = await row.locator("td[data-value]").evaluateAll((cells) => cells.map((c) => c.getAttribute("data-value") ?? ""));
      const [requests, errors, inputTokens, outputTokens, reasoningTokens, cost] = values;
      return {
        label,
        requests: Number(requests),
        errors: Number(errors),
        inputTokens: Number(inputTokens),
        outputTokens: Number(outputTokens),
        reasoningTokens: Number(reasoningTokens),
        costNanos: BigInt(cost ?? "0"),
      };
    };
    const rows = [];
    for (const row of await table.getByTestId(`usage-${which}-row`).all()) rows.push(await read(row));
    return { rows, totals: await read(table.getByTestId(`usage-${which}-totals`)) };
  }

  /** The month-to-date (or range) spend of the page, exact, from the totals row; 0 when the range is empty. */
  async spendNanos(): Promise<bigint> {
    const totals = this.page.getByTestId("usage-breakdown-totals");
    await this.totalSpend.waitFor();
    if ((await totals.count()) === 0) return 0n;
    return BigInt((await totals.locator("td[data-value]").nth(5).getAttribute("data-value"))!);
  }
}
