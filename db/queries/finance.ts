import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { ledgerEntries } from "../schema";
import { rowsOf } from "./rows";

const big = (v: unknown) => BigInt(String(v ?? 0));

/** Sum of an account's ledger before an instant: the balance a statement opens with. */
export async function ledgerBalanceBefore({ accountId, before }: { accountId: string; before: Date }) {
  const db = await getDb();
  const [r] = rowsOf(
    await db.execute(sql`select coalesce(sum(amount_nanos), 0)::text as s from ledger_entries where account_id = ${accountId}::uuid and created_at < ${before.toISOString()}::timestamptz`),
  );
  return big(r?.s);
}

/** An account's credits and adjustments in [from, to), oldest first. */
export async function listCreditsBetween({ accountId, from, to }: { accountId: string; from: Date; to: Date }) {
  const db = await getDb();
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.accountId, accountId), sql`${ledgerEntries.kind} <> 'usage'`, gte(ledgerEntries.createdAt, from), lt(ledgerEntries.createdAt, to)))
    .orderBy(asc(ledgerEntries.createdAt), asc(ledgerEntries.id));
}

/**
 * An account's usage debits in [from, to) as line items: per model, unit and
 * unit price, the quantity and the amount. Each debit is the sum of its
 * quantities × unit prices, so the lines add up to the debits exactly.
 */
export async function usageLinesBetween({ accountId, from, to }: { accountId: string; from: Date; to: Date }) {
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`select coalesce(l.model_id, '') as model_id, q.key as unit, coalesce(l.details->>'batch', 'false') = 'true' as batch,
        (l.details->'unit_prices_nanos'->>q.key)::bigint as unit_price, sum(q.value::bigint)::text as quantity
      from ledger_entries l cross join lateral jsonb_each_text(l.details->'quantities') q
      where l.account_id = ${accountId}::uuid and l.kind = 'usage' and l.created_at >= ${from.toISOString()}::timestamptz and l.created_at < ${to.toISOString()}::timestamptz
      group by 1, 2, 3, 4 order by 1, 2, 4`),
  );
  return rows.map((r) => {
    const quantity = big(r.quantity);
    const unitPrice = big(r.unit_price);
    return { modelId: String(r.model_id), unit: String(r.unit), batch: r.batch === true || r.batch === "t", unitPriceNanos: unitPrice, quantity, amountNanos: quantity * unitPrice };
  });
}

/** Sum of the usage debits in [from, to), as the ledger holds them. */
export async function usageDebitsBetween({ accountId, from, to }: { accountId: string; from: Date; to: Date }) {
  const db = await getDb();
  const [r] = rowsOf(
    await db.execute(sql`select coalesce(-sum(amount_nanos), 0)::text as s from ledger_entries where account_id = ${accountId}::uuid and kind = 'usage'
      and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz`),
  );
  return big(r?.s);
}

/** Spend per local month since the local day `fromDay`, from the daily rollups (built in the account's zone: ensureDaily). */
export async function monthlySpend({ accountId, fromDay }: { accountId: string; fromDay: string }) {
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`select to_char(day, 'YYYY-MM') as month, sum(cost_nanos)::text as cost, sum(requests)::text as requests
      from usage_daily where account_id = ${accountId}::uuid and day >= ${fromDay}::date group by 1 order by 1`),
  );
  return rows.map((r) => ({ month: String(r.month), costNanos: big(r.cost), requests: Number(r.requests) }));
}

/** Spend per model in [from, to), from the hourly rollups. */
export async function spendByModel({ accountId, from, to }: { accountId: string; from: Date; to: Date }) {
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`select model_id, sum(cost_nanos)::text as cost from usage_hourly where account_id = ${accountId}::uuid
      and hour >= ${from.toISOString()}::timestamptz and hour < ${to.toISOString()}::timestamptz group by 1 order by sum(cost_nanos) desc`),
  );
  return rows.map((r) => ({ modelId: String(r.model_id) || "(unknown model)", costNanos: big(r.cost) }));
}

/** Usage spend of every account in two ranges (this period and the one before): who spends most, who grows fastest. */
export async function accountSpendForPlatform({ from, middle, to }: { from: Date; middle: Date; to: Date }) {
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`select a.id, a.name,
        coalesce(sum(h.cost_nanos) filter (where h.hour >= ${middle.toISOString()}::timestamptz), 0)::text as current,
        coalesce(sum(h.cost_nanos) filter (where h.hour < ${middle.toISOString()}::timestamptz), 0)::text as previous
      from usage_hourly h join accounts a on a.id = h.account_id
      where h.hour >= ${from.toISOString()}::timestamptz and h.hour < ${to.toISOString()}::timestamptz
      group by 1, 2`),
  );
  return rows.map((r) => ({ accountId: String(r.id), name: String(r.name), currentNanos: big(r.current), previousNanos: big(r.previous) }));
}

/** Spend of the last `days` days, for "how long will the credit last". */
export async function recentSpend({ accountId, since }: { accountId: string; since: Date }) {
  const db = await getDb();
  const [r] = rowsOf(await db.execute(sql`select coalesce(sum(cost_nanos), 0)::text as s from usage_hourly where account_id = ${accountId}::uuid and hour >= ${since.toISOString()}::timestamptz`));
  return big(r?.s);
}
