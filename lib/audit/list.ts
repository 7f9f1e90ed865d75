import { z } from "zod";
import { listAuditEntries } from "@/db/queries/audit";
import { type Caller, readsAccount, requireThat } from "@/lib/console/authz";
import { decodeCursor, encodeCursor } from "@/lib/console/keyset";

export const auditQuerySchema = z.object({
  action: z.string().trim().max(60).optional().catch(undefined),
  actor: z.string().trim().max(200).optional().catch(undefined),
  after: z.string().max(60).optional().catch(undefined),
  /** Platform administrators: one account's entries. */
  account: z.uuid().optional().catch(undefined),
});
export type AuditListQuery = z.input<typeof auditQuerySchema>;

const PAGE = 50;

/**
 * The audit log as the caller may read it: platform administrators every
 * entry, account admins and finance their account's, members nothing.
 */
export async function listAuditAs(caller: Caller, query: AuditListQuery, limit = PAGE) {
  requireThat(readsAccount(caller), "The audit log is for account admins, finance and platform administrators");
  const q = auditQuerySchema.parse(query);
  const [at, id] = decodeCursor(q.after, 2) ?? [];
  const before = at && id && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(at) && /^\d+$/.test(id) ? { at, id: Number(id) } : undefined;
  const rows = await listAuditEntries({ accountId: caller.superadmin ? (q.account ?? null) : caller.accountId, action: q.action || undefined, actor: q.actor || undefined, before, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { entries: page, next: rows.length > limit && last ? encodeCursor([last.atExact, String(last.id)]) : null, query: q };
}
