import { randomBytes } from "node:crypto";
import { monthlyCap, parseMonthlyBudget } from "@/lib/limits/monthly-cap";
import { z } from "zod";
import { findAccountById } from "@/db/queries/accounts";
import { rebuildDaily } from "@/db/queries/usage-daily";
import { listBudgetAlerts, updateAlertSettings } from "@/db/queries/alerts";
import { listKeysForAccount } from "@/db/queries/keys";
import { readBalance, readWindows } from "@/db/queries/limits";
import { checkBudgetAlerts } from "@/lib/alerts/alerts";
import { audit } from "@/lib/audit/audit";
import { env } from "@/lib/env";
import { badRequest, notFound } from "@/lib/errors";
import { METRICS } from "@/lib/limits/limiter";
import { type LimitKind, countedRange, resetAt, windowOf } from "@/lib/limits/windows";
import { limitsApplied } from "@/lib/limits/propagation";
import { type Caller, managesAccount, readsAccount, requireThat } from "./authz";
import { isTimeZone } from "./zone";

/** A limit as the budget page shows it; amounts are decimal strings (nano-euros or units), exact. */
export interface Gauge {
  used: string;
  /** Held by requests in flight. */
  reserved: string;
  limit: string | null;
  resetsAt: string;
}

async function gauges(scopeId: string, limits: [LimitKind, bigint | null][], tz: string, now: Date): Promise<Record<string, Gauge>> {
  const windows = limits.map(([kind, limit]) => ({ kind, limit, window: windowOf(kind, now, tz) }));
  const states = await readWindows(windows.map((w) => ({ scopeId, metric: METRICS[w.kind], ...countedRange(w.window) })));
  return Object.fromEntries(
    windows.map((w, i) => {
      const s = states[i]!;
      return [w.kind, { used: s.used.toString(), reserved: s.reserved.toString(), limit: w.limit?.toString() ?? null, resetsAt: resetAt(w.window, s.oldest, now).toISOString() }];
    }),
  );
}

const big = (v: number | bigint | null) => (v === null ? null : BigInt(v));

/**
 * The account's tier and what is used of each limit now (the figures the
 * X-RateLimit-* headers give), its budget and credit, the keys with limits
 * of their own, and its alerts. Members see the account's figures and only
 * their own keys; the webhook's secret is for those who manage the account.
 */
export async function budgetOverview(caller: Caller, now = new Date()) {
  const found = await findAccountById({ id: caller.accountId });
  if (!found) throw notFound("Account not found");
  const { account, tier } = found;
  const tz = account.timezone ?? env().LLMAAS_TIMEZONE;
  const cap = monthlyCap(account, tier);
  const [accountGauges, balance, keys, alerts] = await Promise.all([
    gauges(
      account.id,
      [
        ["requests", BigInt(tier.requestsPerMinute)],
        ["tokensHour", big(tier.outputTokensPerHour)],
        ["tokensDay", big(tier.outputTokensPerDay)],
        ["spendMonth", cap],
      ],
      tz,
      now,
    ),
    readBalance({ accountId: account.id }),
    listKeysForAccount({ accountId: account.id, userId: readsAccount(caller) ? undefined : caller.userId, status: "active", limit: 200 }),
    readsAccount(caller) ? listBudgetAlerts({ accountId: account.id }) : Promise.resolve([]),
  ]);
  const limited = keys.filter((k) => k.monthlyBudgetNanos !== null || k.outputTokensPerHour !== null || k.outputTokensPerDay !== null);
  const keyGauges = await Promise.all(
    limited.map(async (k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      owner: k.ownerName || k.email,
      gauges: await gauges(
        k.id,
        [
          ["tokensHour", big(k.outputTokensPerHour)],
          ["tokensDay", big(k.outputTokensPerDay)],
          ["spendMonth", k.monthlyBudgetNanos],
        ],
        tz,
        now,
      ),
    })),
  );
  return {
    tz,
    account: { id: account.id, name: account.name, monthlyBudgetNanos: account.monthlyBudgetNanos?.toString() ?? null, timezone: account.timezone },
    tier: {
      name: tier.name,
      description: tier.description,
      purchaseCreditNanos: tier.purchaseCreditNanos?.toString() ?? null,
      monthlyLimitNanos: tier.monthlyLimitNanos?.toString() ?? null,
      outputTokensPerHour: tier.outputTokensPerHour,
      outputTokensPerDay: tier.outputTokensPerDay,
      requestsPerMinute: tier.requestsPerMinute,
      postpaid: tier.postpaid,
    },
    gauges: accountGauges,
    balance: { balanceNanos: balance.balanceNanos.toString(), reservedNanos: balance.reservedNanos.toString(), purchasedNanos: balance.purchasedNanos.toString() },
    keys: keyGauges,
    alerts: {
      thresholds: account.alertThresholds,
      webhookUrl: readsAccount(caller) ? account.webhookUrl : null,
      webhookSecret: managesAccount(caller) ? account.webhookSecret : null,
      history: alerts.map((a) => ({
        id: a.id,
        month: a.month,
        thresholdPercent: a.thresholdPercent,
        spendNanos: a.spendNanos.toString(),
        budgetNanos: a.budgetNanos.toString(),
        createdAt: a.createdAt.toISOString(),
        webhook: (a.webhookDeliveredAt ? "delivered" : a.webhookNextAt ? "pending" : a.webhookAttempts > 0 ? "failed" : "none") as "delivered" | "pending" | "failed" | "none",
        webhookError: a.webhookLastError,
        emailed: a.emailSentAt !== null,
      })),
    },
  };
}
export type BudgetOverview = Awaited<ReturnType<typeof budgetOverview>>;

export const budgetSettingsSchema = z.object({
  monthlyBudget: z.string().trim().max(20).optional(),
  thresholds: z.string().trim().max(100).optional(),
  webhookUrl: z.string().trim().max(2000).optional(),
  timezone: z.string().trim().max(64).optional(),
  regenerateSecret: z.boolean().optional(),
});
export type BudgetSettingsForm = z.input<typeof budgetSettingsSchema>;

/** Parse "50, 80, 100" into sorted distinct percentages. */
export function parseThresholds(text: string): number[] {
  const parts = text.split(/[\s,;%]+/).filter(Boolean);
  const values = parts.map((p) => Number(p));
  if (values.some((v) => !Number.isInteger(v) || v < 1 || v > 1000)) throw badRequest("Thresholds are whole percentages from 1 to 1000, e.g. 50, 80, 100", "thresholds");
  if (values.length > 10) throw badRequest("At most 10 thresholds", "thresholds");
  return [...new Set(values)].sort((a, b) => a - b);
}

/** An account admin sets the account's own budget (below its tier's cap), alert thresholds, webhook and time zone. */
export async function updateBudgetSettingsAs(caller: Caller, input: BudgetSettingsForm) {
  requireThat(managesAccount(caller), "Only the account's admins can change its budget and alerts");
  const f = budgetSettingsSchema.parse(input);
  const found = await findAccountById({ id: caller.accountId });
  if (!found) throw notFound("Account not found");
  const { account, tier } = found;
  const values: Parameters<typeof updateAlertSettings>[0]["values"] = {};
  if (f.monthlyBudget !== undefined) values.monthlyBudgetNanos = parseMonthlyBudget(f.monthlyBudget, tier);
  if (f.thresholds !== undefined) values.alertThresholds = f.thresholds === "" ? [] : parseThresholds(f.thresholds);
  if (f.webhookUrl !== undefined) {
    if (f.webhookUrl === "") values.webhookUrl = null;
    else {
      let url: URL;
      try {
        url = new URL(f.webhookUrl);
      } catch {
        throw badRequest("A full http:// or https:// address", "webhook_url");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") throw badRequest("A full http:// or https:// address", "webhook_url");
      values.webhookUrl = url.toString();
      if (!account.webhookSecret) values.webhookSecret = newWebhookSecret();
    }
  }
  if (f.regenerateSecret) values.webhookSecret = newWebhookSecret();
  if (f.timezone !== undefined) {
    if (f.timezone !== "" && !isTimeZone(f.timezone)) throw badRequest("An IANA time zone such as Europe/Paris", "timezone");
    values.timezone = f.timezone || null;
  }
  await updateAlertSettings({ accountId: account.id, values });
  // A new budget is exact on every instance before the page hears it is saved.
  if (values.monthlyBudgetNanos !== undefined) await limitsApplied();
  const before = { monthlyBudgetNanos: account.monthlyBudgetNanos, alertThresholds: account.alertThresholds, webhookUrl: account.webhookUrl, timezone: account.timezone };
  await audit({
    accountId: account.id,
    action: "account.budget_settings",
    objectType: "account",
    objectId: account.id,
    before: Object.fromEntries(Object.keys(values).filter((k) => k in before).map((k) => [k, before[k as keyof typeof before]])),
    after: { ...values, ...(values.webhookSecret ? { webhookSecretChanged: true } : {}) },
  });
  // Days in the new zone: the daily rollups are cut again now rather than by the next report.
  if (values.timezone !== undefined && values.timezone !== account.timezone) {
    await rebuildDaily({ accountId: account.id, zone: values.timezone ?? env().LLMAAS_TIMEZONE });
  }
  // A lower budget may already be crossed: say so now, not at the next request.
  await checkBudgetAlerts(account.id);
}

const newWebhookSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;
