import { findAccountById } from "@/db/queries/accounts";
import { monthlyCap } from "@/lib/limits/monthly-cap";
import { alertedThresholds, claimDueWebhooks, insertBudgetAlert, listAlertRecipients, markAlertEmailed, recordWebhookAttempt } from "@/db/queries/alerts";
import { readWindows } from "@/db/queries/limits";
import { env } from "@/lib/env";
import { every } from "@/lib/every";
import type { UsageRecorder } from "@/lib/gateway/usage";
import { METRICS } from "@/lib/limits/limiter";
import { localMonth } from "@/lib/console/zone";
import { monthWindow } from "@/lib/limits/windows";
import { log } from "@/lib/log";
import { mailBudgetAlert } from "./mail";
import { MAX_ATTEMPTS, SIGNATURE_HEADER, alertPayload, backoffMs, signature } from "./webhook";


/**
 * Raise the alerts whose threshold the account's settled month-to-date spend
 * has crossed, once per threshold and month. Returns the alerts created.
 */
export async function checkBudgetAlerts(accountId: string, now = new Date()) {
  const found = await findAccountById({ id: accountId });
  if (!found) return [];
  const { account, tier } = found;
  // Alerts are measured against what the account may spend: the lower of its own budget and its tier's cap.
  const budget = monthlyCap(account, tier);
  if (budget === null || budget <= 0n || account.alertThresholds.length === 0) return [];
  const tz = account.timezone ?? env().LLMAAS_TIMEZONE;
  const month = localMonth(now, tz);
  const [state] = await readWindows([{ scopeId: account.id, metric: METRICS.spendMonth, windowStart: monthWindow(now, tz).start }]);
  const spend = state?.used ?? 0n;
  const done = await alertedThresholds({ accountId, month });
  const created = [];
  for (const t of [...account.alertThresholds].sort((a, b) => a - b)) {
    if (done.has(t) || spend * 100n < budget * BigInt(t)) continue;
    const alert = await insertBudgetAlert({ accountId, month, thresholdPercent: t, spendNanos: spend, budgetNanos: budget, webhook: Boolean(account.webhookUrl) });
    if (!alert) continue;
    created.push(alert);
    log.info("budget alert", { accountId, month, threshold: t });
    void listAlertRecipients({ accountId })
      .then((to) => mailBudgetAlert(to, { accountName: account.name, month, thresholdPercent: t, spendNanos: spend, budgetNanos: budget }))
      .then(async (sent) => {
        if (sent) await markAlertEmailed({ id: alert.id });
      })
      .catch((err) => log.warn("budget alert e-mail failed", { error: (err as Error).message }));
  }
  return created;
}

/** Send the webhooks that are due; a failure is retried later with backoff, never holding anything up. */
export async function deliverDueWebhooks(timeoutMs = 5_000): Promise<number> {
  let delivered = 0;
  for (const a of await claimDueWebhooks()) {
    if (!a.webhookUrl || !a.webhookSecret) {
      await recordWebhookAttempt({ id: a.id, delivered: false, error: "no webhook configured", retryAt: null });
      continue;
    }
    const body = JSON.stringify(alertPayload(a));
    let error: string | null = null;
    try {
      const res = await fetch(a.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "llmaas-alerts", [SIGNATURE_HEADER]: signature(a.webhookSecret, body) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
      await res.body?.cancel();
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).name === "TimeoutError" ? "timed out" : "could not connect";
    }
    const attempts = a.attempts + 1;
    const retryAt = error && attempts < MAX_ATTEMPTS ? new Date(Date.now() + backoffMs(a.attempts)) : null;
    await recordWebhookAttempt({ id: a.id, delivered: !error, error, retryAt });
    if (!error) delivered++;
    else log.warn("budget alert webhook failed", { alertId: a.id, accountId: a.accountId, error, attempts, willRetry: retryAt !== null });
  }
  return delivered;
}

/**
 * Watch spend as usage is written: the accounts whose usage was stored are
 * checked off the request path, each at most once every `checkEveryMs` (a busy
 * account's spend is written ten times a second; three reads for each batch
 * cost more than they tell); webhooks go out from a loop of their own.
 */
export function startAlerts(recorder: UsageRecorder, deliverEveryMs = 1_000, checkEveryMs = 1_000): () => Promise<void> {
  const pending = new Set<string>();
  const unsubscribe = recorder.onFlushed((events) => {
    for (const e of events) if (e.accountId && e.costNanos) pending.add(e.accountId);
  });
  const checkPending = async () => {
    for (const id of [...pending]) {
      pending.delete(id);
      await checkBudgetAlerts(id).catch((err) => log.warn("budget alert check failed", { error: (err as Error).message }));
    }
  };
  const stopChecks = every(checkEveryMs, checkPending);
  const stopDelivery = every(deliverEveryMs, () => deliverDueWebhooks(), (err) => log.warn("webhook delivery failed", { error: (err as Error).message }));
  // Stopping (after the last batch is written): the accounts whose spend changed since the last check are checked now.
  return async () => {
    unsubscribe();
    stopChecks();
    stopDelivery();
    await checkPending();
  };
}
