import { highestAlertOfMonth } from "@/db/queries/alerts";
import { type Caller, readsAccount } from "@/lib/console/authz";
import { accountZone } from "@/lib/console/account-zone";
import { localMonth } from "@/lib/console/zone";
import { formatMoney } from "@/lib/format";
import { DismissibleBanner } from "./dismissible-banner";

/** For the account's admins and finance users: this month's highest budget alert, on every page until dismissed. */
export async function AlertBanner({ caller }: { caller: Caller }) {
  if (!readsAccount(caller)) return null;
  const month = localMonth(new Date(), await accountZone(caller.accountId));
  const alert = await highestAlertOfMonth({ accountId: caller.accountId, month });
  if (!alert) return null;
  const over = alert.thresholdPercent >= 100;
  return (
    <DismissibleBanner id={`budget-alert-${alert.id}`} tone={over ? "danger" : "warning"}>
      <strong>{over ? "Monthly budget reached" : `${alert.thresholdPercent} % of the monthly budget spent`}:</strong> {formatMoney(alert.spendNanos)} of {formatMoney(alert.budgetNanos)} in{" "}
      {alert.month}.{" "}
      <a href="/budget" className="font-medium underline underline-offset-2">
        Budget & limits
      </a>
    </DismissibleBanner>
  );
}
