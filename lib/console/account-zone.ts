import { findAccountById } from "@/db/queries/accounts";
import { env } from "@/lib/env";

/** The time zone of an account's days and months: its own, else the platform's. */
export async function accountZone(accountId: string): Promise<string> {
  const found = await findAccountById({ id: accountId });
  return found?.account.timezone ?? env().LLMAAS_TIMEZONE;
}
