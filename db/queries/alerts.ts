import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { accounts, budgetAlerts, users } from "../schema";
import { rowsOf } from "./rows";


/**
 * Record that an account's month-to-date spend crossed a threshold, once: a
 * second instance noticing the same crossing inserts nothing. Returns the
 * alert when this call created it. With `webhook`, it is due for delivery now.
 */
export async function insertBudgetAlert(values: { accountId: string; month: string; thresholdPercent: number; spendNanos: bigint; budgetNanos: bigint; webhook: boolean }) {
  const db = await getDb();
  const { webhook, ...rest } = values;
  const [row] = await db
    .insert(budgetAlerts)
    .values({ ...rest, webhookNextAt: webhook ? sql`now()` : null })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** The account's alerts, newest first. */
export async function listBudgetAlerts({ accountId, limit = 50 }: { accountId: string; limit?: number }) {
  const db = await getDb();
  return db.select().from(budgetAlerts).where(eq(budgetAlerts.accountId, accountId)).orderBy(desc(budgetAlerts.createdAt), desc(budgetAlerts.id)).limit(limit);
}

/** The thresholds already crossed this month. */
export async function alertedThresholds({ accountId, month }: { accountId: string; month: string }) {
  const db = await getDb();
  const rows = await db
    .select({ t: budgetAlerts.thresholdPercent })
    .from(budgetAlerts)
    .where(and(eq(budgetAlerts.accountId, accountId), eq(budgetAlerts.month, month)));
  return new Set(rows.map((r) => r.t));
}

/**
 * Take up to `limit` alerts whose webhook is due, leasing them for
 * `leaseSeconds` so that no other instance sends them meanwhile (a crashed
 * sender's lease simply runs out). No transaction stays open while sending.
 */
export async function claimDueWebhooks({ limit = 20, leaseSeconds = 60 } = {}) {
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`update budget_alerts b set webhook_next_at = now() + make_interval(secs => ${leaseSeconds})
      from accounts a
      where a.id = b.account_id and b.id in (
        select id from budget_alerts where webhook_delivered_at is null and webhook_next_at <= now()
        order by webhook_next_at limit ${limit} for update skip locked)
      returning b.id, b.account_id, a.name as account_name, a.webhook_url, a.webhook_secret, b.month, b.threshold_percent,
        b.spend_nanos, b.budget_nanos, b.created_at, b.webhook_attempts`),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    accountId: String(r.account_id),
    accountName: String(r.account_name),
    webhookUrl: r.webhook_url ? String(r.webhook_url) : null,
    webhookSecret: r.webhook_secret ? String(r.webhook_secret) : null,
    month: String(r.month),
    thresholdPercent: Number(r.threshold_percent),
    spendNanos: BigInt(String(r.spend_nanos)),
    budgetNanos: BigInt(String(r.budget_nanos)),
    createdAt: new Date(String(r.created_at)),
    attempts: Number(r.webhook_attempts),
  }));
}

/** The outcome of one delivery attempt: delivered, retried at `retryAt`, or given up (retryAt null). */
export async function recordWebhookAttempt({ id, delivered, error, retryAt }: { id: number; delivered: boolean; error: string | null; retryAt: Date | null }) {
  const db = await getDb();
  await db
    .update(budgetAlerts)
    .set({
      webhookAttempts: sql`${budgetAlerts.webhookAttempts} + 1`,
      webhookDeliveredAt: delivered ? sql`now()` : null,
      webhookNextAt: delivered || !retryAt ? null : retryAt,
      webhookLastError: error,
    })
    .where(eq(budgetAlerts.id, id));
}

export async function markAlertEmailed({ id }: { id: number }) {
  const db = await getDb();
  await db.update(budgetAlerts).set({ emailSentAt: sql`now()` }).where(eq(budgetAlerts.id, id));
}

/** Addresses of the account's admins and finance users: who hears about its budget. */
export async function listAlertRecipients({ accountId }: { accountId: string }) {
  const db = await getDb();
  const rows = await db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.accountId, accountId), sql`${users.role} in ('admin', 'finance')`, sql`${users.disabledAt} is null`));
  return rows.map((r) => r.email);
}

/** The account's alert settings. */
export async function updateAlertSettings({
  accountId,
  values,
}: {
  accountId: string;
  values: Partial<Pick<typeof accounts.$inferInsert, "alertThresholds" | "webhookUrl" | "webhookSecret" | "monthlyBudgetNanos" | "timezone">>;
}) {
  const db = await getDb();
  const [row] = await db.update(accounts).set(values).where(eq(accounts.id, accountId)).returning({ id: accounts.id });
  return row;
}

/** The highest threshold crossed in a month, for the console's banner. */
export async function highestAlertOfMonth({ accountId, month }: { accountId: string; month: string }) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(budgetAlerts)
    .where(and(eq(budgetAlerts.accountId, accountId), eq(budgetAlerts.month, month)))
    .orderBy(desc(budgetAlerts.thresholdPercent))
    .limit(1);
  return row;
}
