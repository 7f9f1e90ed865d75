import { insertLedgerEntry, sumLedgerForAccount } from "@/db/queries/ledger";
import { audit } from "../audit/audit";
import { requireAccount } from "../accounts";
import { badRequest } from "../errors";
import { eurosToNanos } from "./money";

/** Record a top-up (positive) or an adjustment (either sign) on an account's ledger. */
export async function addCredit(input: {
  account: string;
  amount: string | number;
  note?: string;
  kind?: "credit" | "adjustment";
  createdBy?: string;
}) {
  let nanos: bigint;
  try {
    nanos = eurosToNanos(input.amount);
  } catch (err) {
    throw badRequest((err as Error).message, "amount");
  }
  const kind = input.kind ?? "credit";
  if (kind === "credit" && nanos <= 0n) throw badRequest("A credit must be a positive amount", "amount");
  if (nanos === 0n) throw badRequest("An adjustment must not be zero", "amount");
  const account = await requireAccount(input.account);
  const entry = await insertLedgerEntry({
    accountId: account.id,
    kind,
    amountNanos: nanos,
    note: input.note ?? "",
    createdBy: input.createdBy ?? null,
  });
  await audit({ accountId: account.id, action: kind === "credit" ? "credit.add" : "credit.adjust", objectType: "ledger_entry", objectId: String(entry.id), after: { amountNanos: nanos, note: entry.note } });
  return { entry, balanceNanos: await sumLedgerForAccount({ accountId: account.id }) };
}

export async function accountBalance({ accountId }: { accountId: string }) {
  return sumLedgerForAccount({ accountId });
}

/**
 * A correction of an account's balance, either sign, with its reason: a
 * refund, a correction, a goodwill credit. Its own ledger entry, shown on the
 * statement with the reason; never a purchase toward a tier's purchase credit.
 */
export async function adjustCredit(input: { account: string; amount: string | number; reason: string; createdBy?: string }) {
  const reason = input.reason.trim();
  if (reason.length < 3) throw badRequest("Say why: an adjustment needs a reason", "reason");
  if (reason.length > 500) throw badRequest("The reason must be at most 500 characters", "reason");
  return addCredit({ account: input.account, amount: input.amount, note: reason, kind: "adjustment", createdBy: input.createdBy });
}
