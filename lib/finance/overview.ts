import { accountSpendForPlatform, monthlySpend, recentSpend, spendByModel, usageLinesBetween, listCreditsBetween } from "@/db/queries/finance";
import { readBalance } from "@/db/queries/limits";
import { ensureDaily } from "@/db/queries/usage-daily";
import type { Caller } from "@/lib/console/authz";
import { localMonth } from "@/lib/console/zone";
import { monthWindow } from "@/lib/limits/windows";
import { financeAccount } from "./access";
import { monthOf } from "./statement";

const DAY = 86_400_000;

/** The last `n` local months up to the one `now` falls in, oldest first: ["2025-12", …, "2026-11"]. */
export function lastMonths(now: Date, tz: string, n = 12): string[] {
  const out: string[] = [];
  let at = monthWindow(now, tz).start;
  for (let i = 0; i < n; i++) {
    out.unshift(localMonth(at, tz));
    at = monthWindow(new Date(at.getTime() - DAY), tz).start;
  }
  return out;
}

/**
 * What finance reviews for one account: spend per month for a year with the
 * change from month to month, the chosen month's spend by kind of usage and by
 * model, and its prepaid credit (how long it lasts at the last week's rate).
 */
export async function financeOverview(caller: Caller, input: { accountId?: string; month?: string }, now = new Date()) {
  const { account, tier, tz } = await financeAccount(caller, input.accountId);
  const months = lastMonths(now, tz);
  const month = input.month && months.includes(input.month) ? input.month : months.at(-1)!;
  const window = monthOf(month, tz);
  const range = { accountId: account.id, from: window.start, to: window.end };
  await ensureDaily({ accountId: account.id, zone: tz });
  const [spend, lines, models, balance, week, credits] = await Promise.all([
    monthlySpend({ accountId: account.id, fromDay: `${months[0]!}-01` }),
    usageLinesBetween(range),
    spendByModel(range),
    readBalance({ accountId: account.id }),
    recentSpend({ accountId: account.id, since: new Date(now.getTime() - 7 * DAY) }),
    listCreditsBetween({ accountId: account.id, from: new Date(0), to: now }),
  ]);
  const byMonth = new Map(spend.map((s) => [s.month, s]));
  const series = months.map((m, i) => {
    const cost = byMonth.get(m)?.costNanos ?? 0n;
    const previous = i > 0 ? (byMonth.get(months[i - 1]!)?.costNanos ?? 0n) : null;
    return { month: m, costNanos: cost, changePercent: previous && previous > 0n ? Number(((cost - previous) * 10000n) / previous) / 100 : null };
  });
  const kinds = new Map<string, bigint>();
  for (const l of lines) kinds.set(l.unit, (kinds.get(l.unit) ?? 0n) + l.amountNanos);
  const available = balance.balanceNanos - balance.reservedNanos;
  return {
    account: { id: account.id, name: account.name },
    tier: { name: tier.name, postpaid: tier.postpaid, monthlyLimitNanos: tier.monthlyLimitNanos },
    tz,
    months,
    month,
    series,
    byKind: [...kinds.entries()].map(([unit, amountNanos]) => ({ unit, amountNanos })).sort((a, b) => (b.amountNanos > a.amountNanos ? 1 : -1)),
    byModel: models,
    prepaid: {
      balanceNanos: balance.balanceNanos,
      reservedNanos: balance.reservedNanos,
      purchasedNanos: balance.purchasedNanos,
      lastWeekNanos: week,
      // Below a week of the last week's spend: time to top up.
      runningOut: !tier.postpaid && week > 0n && available < week,
    },
    credits: credits.reverse().slice(0, 20),
  };
}

const PICKER_ACCOUNTS = 100;

/** For superadmins: every account's spend this month and last, the largest and the fastest growing. */
export async function platformSpend(caller: Caller, now = new Date()) {
  if (!caller.superadmin) return null;
  const thisMonth = monthWindow(now, "UTC");
  const lastMonth = monthWindow(new Date(thisMonth.start.getTime() - DAY), "UTC");
  const rows = await accountSpendForPlatform({ from: lastMonth.start, middle: thisMonth.start, to: thisMonth.end });
  const growth = (r: (typeof rows)[number]) => (r.previousNanos > 0n ? Number(((r.currentNanos - r.previousNanos) * 10000n) / r.previousNanos) / 100 : null);
  const bySpend = [...rows].sort((a, b) => (b.currentNanos > a.currentNanos ? 1 : b.currentNanos < a.currentNanos ? -1 : a.name.localeCompare(b.name)));
  return {
    // The picker's choices: the accounts that spend most this month (any other is reached from its page under Accounts).
    accounts: bySpend.slice(0, PICKER_ACCOUNTS).map((r) => ({ id: r.accountId, name: r.name })),
    largest: [...rows].sort((a, b) => (b.currentNanos > a.currentNanos ? 1 : -1)).slice(0, 5),
    growing: rows
      .filter((r) => growth(r) !== null)
      .map((r) => ({ ...r, growthPercent: growth(r)! }))
      .sort((a, b) => b.growthPercent - a.growthPercent)
      .slice(0, 5),
  };
}
