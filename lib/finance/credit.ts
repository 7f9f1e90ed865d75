import { z } from "zod";
import { findAccountById } from "@/db/queries/accounts";
import { addCredit, adjustCredit } from "@/lib/billing/credit";
import { type Caller, requireThat } from "@/lib/console/authz";
import { badRequest, notFound } from "@/lib/errors";

export const creditSchema = z.object({
  accountId: z.string().uuid(),
  kind: z.enum(["credit", "adjustment"]),
  amount: z.string().trim().min(1, "An amount in euros"),
  reason: z.string().trim().max(500).optional(),
});
export type CreditForm = z.input<typeof creditSchema>;

/** Superadmins top up (positive) or adjust (either sign, with a reason) an account's credit, as ledger entries. */
export async function creditAccountAs(caller: Caller, input: CreditForm) {
  requireThat(caller.superadmin, "Only platform administrators can add or adjust credit");
  const f = creditSchema.safeParse(input);
  if (!f.success) throw badRequest(f.error.issues[0]!.message, String(f.error.issues[0]!.path[0] ?? ""));
  const found = await findAccountById({ id: f.data.accountId });
  if (!found) throw notFound("No such account", "account");
  const account = found.account.name;
  return f.data.kind === "credit"
    ? addCredit({ account, amount: f.data.amount, note: f.data.reason, createdBy: caller.userId })
    : adjustCredit({ account, amount: f.data.amount, reason: f.data.reason ?? "", createdBy: caller.userId });
}
