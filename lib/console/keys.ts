import { z } from "zod";
import { decodeCursor, encodeCursor } from "./keyset";
import { type KeyStatus, findApiKeyForAccount, listKeysForAccount } from "@/db/queries/keys";
import { spendByKeySince } from "@/db/queries/usage-reports";
import { badRequest, notFound } from "@/lib/errors";
import { createKey, revokeKey, rotateKey, setKeyLimits } from "@/lib/keys/manage";
import { keyStatus } from "@/lib/keys/status";
import { type Caller, managesAccount, managesOwnKeys, readsAccount, requireThat } from "./authz";
import { type CreateKeyForm, createKeySchema } from "./key-schema";
import { accountZone } from "./account-zone";
import { monthStart } from "./zone";

export const KEY_STATUSES = ["active", "rotating", "expiring", "expired", "revoked"] as const satisfies readonly KeyStatus[];

const listSchema = z.object({
  status: z.enum(KEY_STATUSES).optional().catch(undefined),
  owner: z.string().uuid().optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  /** "createdAt|id" of the last row of the previous page. */
  after: z.string().max(100).optional().catch(undefined),
});
export type KeyListQuery = z.input<typeof listSchema>;

const PAGE = 25;

/** The last row of the previous page, from its opaque cursor: [created at, exact; id]. */
function cursorOf(after: string | undefined) {
  const [createdAt, id] = decodeCursor(after, 2) ?? [];
  if (!createdAt || !/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(createdAt) || !z.uuid().safeParse(id).success) return undefined;
  return { createdAt, id: id! };
}

/**
 * The keys a caller may see, a page at a time, each with its status and its
 * spend this month: a member their own, admins and finance the account's.
 */
export async function listKeysAs(caller: Caller, query: KeyListQuery = {}, now = new Date()) {
  const q = listSchema.parse(query);
  const everyone = readsAccount(caller);
  const rows = await listKeysForAccount({
    accountId: caller.accountId,
    userId: everyone ? q.owner : caller.userId,
    status: q.status,
    search: q.q || undefined,
    before: cursorOf(q.after),
    limit: PAGE + 1,
  });
  const page = rows.slice(0, PAGE);
  const zone = await accountZone(caller.accountId);
  const spend = await spendByKeySince({ accountId: caller.accountId, keyIds: page.map((k) => k.id), since: monthStart(now, zone) });
  const last = page.at(-1);
  return {
    keys: page.map((k) => ({ ...k, status: keyStatus(k, now), spendMonthNanos: spend.get(k.id) ?? 0n })),
    next: rows.length > PAGE && last ? encodeCursor([last.createdAtExact, last.id]) : null,
  };
}

/** A key the caller may act on: one of their own, or (admins) any of the account's. Anything else is "not found". */
async function keyFor(caller: Caller, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw badRequest(`Invalid key id '${id}'`, "id");
  const key = await findApiKeyForAccount({ id, accountId: caller.accountId });
  if (!key || key.kind !== "api" || (!managesAccount(caller) && key.userId !== caller.userId)) throw notFound("No such API key", "id");
  return key;
}

/** Create a key for the caller; the secret is returned once. Finance users read only. */
export async function createKeyAs(caller: Caller, input: CreateKeyForm) {
  requireThat(managesOwnKeys(caller), "Finance users can read keys but not create them");
  const parsed = createKeySchema.safeParse(input);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message, String(parsed.error.issues[0]!.path[0] ?? ""));
  const f = parsed.data;
  return createKey({
    userId: caller.userId,
    name: f.name,
    models: f.models,
    expires: f.expires || undefined,
    monthlyBudget: f.monthlyBudget || undefined,
    outputTokensPerHour: f.outputTokensPerHour,
    outputTokensPerDay: f.outputTokensPerDay,
  });
}

export async function revokeKeyAs(caller: Caller, id: string) {
  requireThat(managesOwnKeys(caller), "Finance users can read keys but not revoke them");
  const key = await keyFor(caller, id);
  return revokeKey({ id: key.id, scope: { accountId: caller.accountId } });
}

export async function rotateKeyAs(caller: Caller, id: string, grace: string) {
  requireThat(managesOwnKeys(caller), "Finance users can read keys but not rotate them");
  const key = await keyFor(caller, id);
  return rotateKey({ id: key.id, scope: { accountId: caller.accountId }, grace });
}

export async function updateKeyLimitsAs(caller: Caller, id: string, input: Omit<CreateKeyForm, "name">) {
  requireThat(managesOwnKeys(caller), "Finance users can read keys but not change them");
  const key = await keyFor(caller, id);
  const f = createKeySchema.omit({ name: true }).parse(input);
  return setKeyLimits({
    id: key.id,
    scope: { accountId: caller.accountId },
    models: f.models ?? null,
    monthlyBudget: f.monthlyBudget ? f.monthlyBudget : null,
    outputTokensPerHour: f.outputTokensPerHour ?? null,
    outputTokensPerDay: f.outputTokensPerDay ?? null,
    expires: f.expires ? f.expires : null,
  });
}
