import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { ADMIN, chatWithKey, cliKey, llmaas, signInAsAdmin, unique } from "./fixtures";
import { type UsageCells, UsagePage } from "./pages/usage-page";

/** The account's usage debits this month, exact, from the ledger (the CLI's JSON). */
function ledgerUsageNanos(): bigint {
  const out = llmaas("ledger", "--account", ADMIN.accountName, "--json");
  const statement = JSON.parse(out.slice(out.indexOf("{"))) as { totals: { usageNanos: string } };
  return BigInt(statement.totals.usageNanos);
}

/** RFC 4180 records, enough for the export: quoted fields may hold commas, quotes and newlines. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") record.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (field || record.length) records.push([...record, field]);
  return records;
}

/** "0.000412000" euros → nano-euros. */
const eurosToNanos = (eur: string) => {
  const [whole, frac = ""] = eur.split(".");
  return BigInt(whole!) * 1_000_000_000n + BigInt(frac.padEnd(9, "0"));
};

const csvRow = (r: string[]): UsageCells => ({
  label: r[0]!,
  requests: Number(r[1]),
  errors: Number(r[2]),
  inputTokens: Number(r[3]),
  outputTokens: Number(r[4]),
  reasoningTokens: Number(r[5]),
  costNanos: eurosToNanos(r[6]!),
});

const sum = (rows: UsageCells[]) =>
  rows.reduce(
    (t, r) => ({
      ...t,
      requests: t.requests + r.requests,
      errors: t.errors + r.errors,
      inputTokens: t.inputTokens + r.inputTokens,
      outputTokens: t.outputTokens + r.outputTokens,
      reasoningTokens: t.reasoningTokens + r.reasoningTokens,
      costNanos: t.costNanos + r.costNanos,
    }),
    { label: "Total", requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, reasoningTokens: 0, costNanos: 0n },
  );

/**
 * Calls of several models, streamed and not, through the public API with a
 * new key; returns once the dashboard (in the range given) shows every one of
 * them, on the key's own figures.
 */
async function seedUsage(usage: UsagePage, range: string): Promise<void> {
  const key = cliKey(ADMIN.email, unique("usage-seed"));
  const bodies = [
    { model: "fake-chat", messages: [{ role: "user", content: "How many euros did this cost?" }] },
    { model: "fake-chat", messages: [{ role: "user", content: "And this one, streamed?" }], stream: true, stream_options: { include_usage: true } },
    { model: "fake-mini", messages: [{ role: "user", content: "Short answer please" }] },
    { model: "fake-mini", messages: [{ role: "user", content: "Another short answer" }] },
    { model: "fake-reasoner", messages: [{ role: "user", content: "Think about the ledger" }] },
  ];
  for (const body of bodies) expect((await chatWithKey(key.secret, body)).status).toBe(200);
  // Usage is written within seconds of the calls.
  await expect
    .poll(async () => {
      await usage.goto({ range, key: key.id });
      return (await usage.table("breakdown")).totals.requests;
    }, { timeout: 20_000 })
    .toBe(bodies.length);
}

test("the dashboard's spend for the month equals the ledger's usage debits to the nano-euro", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  const usage = new UsagePage(page);
  await seedUsage(usage, "month");
  const own = await usage.table("breakdown");
  expect(own.totals.costNanos).toBeGreaterThan(0n);
  expect(own.rows.map((r) => r.label).sort()).toEqual(["fake-chat", "fake-mini", "fake-reasoner"]);
  expect(own.totals.reasoningTokens).toBeGreaterThan(0);

  // The whole account's month, every source of usage together, against the ledger.
  await expect
    .poll(async () => {
      await usage.goto({ range: "month" });
      return `dashboard ${await usage.spendNanos()}, ledger ${ledgerUsageNanos()}`;
    }, { timeout: 30_000 })
    .toMatch(/^dashboard ([1-9]\d*), ledger \1$/);

  // Every breakdown adds up to the same total.
  for (const by of ["model", "key", "user"] as const) {
    await usage.goto({ range: "month", by });
    const { rows, totals } = await usage.table("breakdown");
    expect(sum(rows), by).toEqual({ ...totals, label: "Total" });
    expect(totals.costNanos, by).toBe(ledgerUsageNanos());
  }
});

test("the CSV exports hold the same rows and totals as the tables on the page", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  const usage = new UsagePage(page);
  await seedUsage(usage, "7d");

  const views: Record<string, string>[] = [{ range: "7d" }, { range: "month", by: "key" }, { range: "month", by: "user" }, { range: "30d", by: "model", model: "fake-mini" }];
  for (const query of views) {
    await usage.goto(query);
    const what = JSON.stringify(query);

    // The hourly or daily figures: downloaded as a person does, with the page's link.
    const series = await usage.table("series");
    const [download] = await Promise.all([page.waitForEvent("download"), usage.csv.click()]);
    expect(download.suggestedFilename(), what).toMatch(/^usage-(hourly|daily)-.*\.csv$/);
    const seriesCsv = parseCsv(await readFile((await download.path())!, "utf8"));
    expect(seriesCsv[0]![0], what).toBe(query.range === "7d" ? "hour" : "day");
    expect(seriesCsv.slice(1, -1).map(csvRow), what).toEqual(series.rows);
    expect(csvRow(seriesCsv.at(-1)!), what).toEqual(series.totals);

    // The breakdown: fetched from the link with the page's cookies.
    const breakdown = await usage.table("breakdown");
    const res = await page.request.get((await usage.breakdownCsv.getAttribute("href"))!);
    expect(res.status(), what).toBe(200);
    expect(res.headers()["content-type"], what).toContain("text/csv");
    const breakdownCsv = parseCsv(await res.text());
    expect(breakdownCsv[0], what).toEqual([query.by ?? "model", "requests", "errors", "input_tokens", "output_tokens", "reasoning_tokens", "spend_eur"]);
    expect(breakdownCsv.slice(1, -1).map(csvRow), what).toEqual(breakdown.rows);
    expect(csvRow(breakdownCsv.at(-1)!), what).toEqual(breakdown.totals);
    expect(breakdown.totals, what).toEqual(series.totals);
  }
});
