import { listCreditsBetween, ledgerBalanceBefore, usageDebitsBetween, usageLinesBetween } from "@/db/queries/finance";
import type { Caller } from "@/lib/console/authz";
import { localMonth, midnightOf } from "@/lib/console/zone";
import { badRequest } from "@/lib/errors";
import { monthWindow } from "@/lib/limits/windows";
import { financeAccount } from "./access";

export const UNIT_LABELS: Record<string, string> = {
  input_token: "Input tokens",
  output_token: "Output tokens",
  reasoning_token: "Reasoning tokens",
  rerank_token: "Rerank tokens",
  batch_input_token: "Batch input tokens",
  batch_output_token: "Batch output tokens",
  audio_minute: "Audio minutes",
  speech_character: "Speech characters",
  image: "Images",
};

/** The local calendar month "2026-11" of the account's zone, as its window. */
export function monthOf(month: string, tz: string) {
  const start = /^\d{4}-\d{2}$/.test(month) ? midnightOf(`${month}-01`, tz) : null;
  if (!start) throw badRequest("A month such as 2026-11", "month");
  return monthWindow(new Date(start.getTime() + 3_600_000), tz);
}

/**
 * An account's statement for a month, from its ledger: the opening balance,
 * top-ups and adjustments (with their reasons), usage line items by model
 * and unit (quantity × unit price = amount), totals and the closing balance.
 * The usage lines add up to the month's usage debits to the nano-euro.
 */
export async function accountStatement(caller: Caller, input: { accountId?: string; month?: string }) {
  const { account, tier, tz } = await financeAccount(caller, input.accountId);
  const month = input.month || localMonth(new Date(), tz);
  const window = monthOf(month, tz);
  const range = { accountId: account.id, from: window.start, to: window.end };
  const [opening, credits, lines, debits] = await Promise.all([
    ledgerBalanceBefore({ accountId: account.id, before: window.start }),
    listCreditsBetween(range),
    usageLinesBetween(range),
    usageDebitsBetween(range),
  ]);
  const topUps = credits.filter((c) => c.kind === "credit").reduce((s, c) => s + c.amountNanos, 0n);
  const adjustments = credits.filter((c) => c.kind === "adjustment").reduce((s, c) => s + c.amountNanos, 0n);
  const usage = lines.reduce((s, l) => s + l.amountNanos, 0n);
  if (usage !== debits) throw new Error(`statement lines (${usage}) differ from the ledger's usage debits (${debits})`);
  return {
    account: { id: account.id, name: account.name },
    tier: { name: tier.name, monthlyLimitNanos: tier.monthlyLimitNanos, postpaid: tier.postpaid },
    budgetNanos: account.monthlyBudgetNanos,
    month,
    tz,
    window,
    openingNanos: opening,
    credits: credits.map((c) => ({ id: c.id, kind: c.kind as "credit" | "adjustment", at: c.createdAt, amountNanos: c.amountNanos, note: c.note })),
    lines,
    totals: { topUpsNanos: topUps, adjustmentsNanos: adjustments, usageNanos: usage },
    closingNanos: opening + topUps + adjustments - usage,
  };
}
export type Statement = Awaited<ReturnType<typeof accountStatement>>;

/** The statement as CSV records: sections one after the other, amounts in euros with nine decimals. */
export function statementRecords(s: Statement, euros: (n: bigint) => string): string[][] {
  const out: string[][] = [
    ["statement", s.account.name, s.month, s.tz],
    ["tier", s.tier.name, s.tier.monthlyLimitNanos === null ? "no cap" : euros(s.tier.monthlyLimitNanos)],
    [],
    ["opening_balance_eur", euros(s.openingNanos)],
    [],
    ["date", "kind", "amount_eur", "note"],
    ...s.credits.map((c) => [c.at.toISOString(), c.kind, euros(c.amountNanos), c.note]),
    [],
    ["model", "unit", "quantity", "unit_price_eur", "amount_eur"],
    ...s.lines.map((l) => [l.modelId, l.unit, l.quantity.toString(), euros(l.unitPriceNanos), euros(l.amountNanos)]),
    [],
    ["top_ups_eur", euros(s.totals.topUpsNanos)],
    ["adjustments_eur", euros(s.totals.adjustmentsNanos)],
    ["usage_eur", euros(s.totals.usageNanos)],
    ["closing_balance_eur", euros(s.closingNanos)],
  ];
  return out;
}
