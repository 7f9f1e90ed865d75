import { createHmac } from "node:crypto";
import { formatEuros } from "@/lib/billing/money";

/** The JSON a budget alert's webhook receives. */
export function alertPayload(a: { id: number; accountId: string; accountName: string; month: string; thresholdPercent: number; spendNanos: bigint; budgetNanos: bigint; createdAt: Date }) {
  return {
    type: "budget.threshold_crossed",
    id: a.id,
    account: { id: a.accountId, name: a.accountName },
    month: a.month,
    threshold_percent: a.thresholdPercent,
    spend: { nanos: a.spendNanos.toString(), eur: formatEuros(a.spendNanos, 9) },
    budget: { nanos: a.budgetNanos.toString(), eur: formatEuros(a.budgetNanos, 9) },
    created_at: a.createdAt.toISOString(),
  };
}

export const SIGNATURE_HEADER = "x-llmaas-signature";

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: a receiver checks
 * it with the account's webhook secret, and that t is recent (replays).
 */
export function signature(secret: string, body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** Wait before the next attempt: 5 s, 10 s, 20 s … at most an hour. */
export const backoffMs = (attempts: number) => Math.min(3_600_000, 5_000 * 2 ** attempts);
export const MAX_ATTEMPTS = 12;
