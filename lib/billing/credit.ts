import { insertLedgerEntry, sumLedgerForAccount } from "@/db/queries/ledger";
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
  return { entry, balanceNanos: await sumLedgerForAccount({ accountId: account.id }) };
}

export async function accountBalance({ accountId }: { accountId: string }) {
  return sumLedgerForAccount({ accountId });
}
