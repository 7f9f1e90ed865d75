import { env } from "@/lib/env";
import { formatMoney } from "@/lib/format";
import { log } from "@/lib/log";

type Transport = { sendMail(message: { from: string; to: string[]; subject: string; text: string }): Promise<unknown> };
let transport: Promise<Transport> | undefined;

/** The SMTP transport, made on first use; null when no mail server is configured. */
function mailer(): Promise<Transport> | null {
  const url = env().LLMAAS_SMTP_URL;
  if (!url) return null;
  transport ??= import("nodemailer").then((m) => m.createTransport(url) as Transport);
  return transport;
}

/** Tell the account's admins and finance users by e-mail; false when mail is not configured or failed. */
export async function mailBudgetAlert(to: string[], a: { accountName: string; month: string; thresholdPercent: number; spendNanos: bigint; budgetNanos: bigint }): Promise<boolean> {
  const m = mailer();
  if (!m || to.length === 0) return false;
  try {
    await (await m).sendMail({
      from: env().LLMAAS_MAIL_FROM,
      to,
      subject: `${a.accountName}: ${a.thresholdPercent} % of the monthly budget spent`,
      text: [
        `The account ${a.accountName} has spent ${formatMoney(a.spendNanos)} in ${a.month},`,
        `${a.thresholdPercent} % of its monthly budget of ${formatMoney(a.budgetNanos)}.`,
        "",
        "Budget, limits and alert settings are on the console's Budget & limits page.",
      ].join("\n"),
    });
    return true;
  } catch (err) {
    log.warn("budget alert e-mail failed", { error: (err as Error).message });
    return false;
  }
}

/** Forget the transport (tests change the environment). */
export function resetMailer() {
  transport = undefined;
}
