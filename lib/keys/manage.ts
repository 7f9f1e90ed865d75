import { z } from "zod";
import { monthlyCap } from "../limits/monthly-cap";
import { audit } from "../audit/audit";
import { findAccountById } from "@/db/queries/accounts";
import { findUserByEmail, findUserById } from "@/db/queries/users";
import {
  type KeyLimitValues,
  findApiKeysByRefForPlatform,
  insertApiKey,
  listKeysForPlatform,
  revokeApiKey,
  revokeApiKeyForPlatform,
  rotateApiKey,
  updateApiKeyLimits,
} from "@/db/queries/keys";
import { eurosToNanos } from "../billing/money";
import { formatMoney } from "../format";
import { badRequest, notFound } from "../errors";
import { parseDuration } from "../duration";
import { generateSecret, hashSecret, visiblePrefix } from "./secret";
import { forgetKeyId } from "./cache";
import { limitsApplied } from "../limits/propagation";

/** Where a key's operation may reach: one account's keys, or (platform operators) every key. */
export type KeyScope = { accountId: string } | "platform";
const accountOf = (scope: KeyScope) => (scope === "platform" ? null : scope.accountId);

const createSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100, "name must be at most 100 characters"),
  models: z.array(z.string().trim().min(1)).optional(),
  expires: z.string().optional(),
  kind: z.enum(["api", "console"]).default("api"),
});

export type CreateKeyInput = z.input<typeof createSchema> & ({ email: string } | { userId: string }) & Omit<KeyLimitsInput, "id">;

/** Create an API key for a user. The secret is returned here once and never again. */
export async function createKey(input: CreateKeyInput, now = new Date()) {
  const parsed = createSchema.safeParse(input);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message, String(parsed.error.issues[0]!.path[0] ?? ""));
  const user = "email" in input ? await findUserByEmail({ email: input.email }) : await findUserById({ id: input.userId });
  if (!user) throw notFound(`No user ${"email" in input ? `with email '${input.email}'` : "with that id"}`, "email");
  if (user.disabledAt) throw badRequest(`User '${user.email}' is disabled: enable them before creating keys`, "email");
  const { name, kind } = parsed.data;
  const limits = await limitValues({ ...input, models: input.models ?? null }, user.accountId, now);
  const secret = generateSecret();
  const key = await insertApiKey({
    accountId: user.accountId,
    userId: user.id,
    name,
    kind,
    prefix: visiblePrefix(secret),
    hash: hashSecret(secret),
    ...limits,
  });
  if (kind === "api") {
    await audit({ accountId: key.accountId, action: "key.create", objectType: "api_key", objectId: key.id, after: { name, prefix: key.prefix, userId: user.id, ...limits } });
  }
  return { key: { ...key, hash: undefined, previousHash: undefined }, secret };
}

/** Every key on the platform, or a user's (CLI). */
export async function listKeysForOperator({ email }: { email?: string } = {}) {
  let userId: string | undefined;
  if (email) {
    const user = await findUserByEmail({ email });
    if (!user) throw notFound(`No user with email '${email}'`, "email");
    userId = user.id;
  }
  return listKeysForPlatform({ userId });
}

const checkId = (id: string) => {
  if (!z.string().uuid().safeParse(id).success) throw badRequest(`Invalid key id '${id}'`, "id");
};

/** Revoke a key. Outside the scope a key is "not found". Every instance refuses it within a second. */
export async function revokeKey({ id, scope }: { id: string; scope: KeyScope }) {
  checkId(id);
  const row = scope === "platform" ? await revokeApiKeyForPlatform({ id }) : await revokeApiKey({ id, accountId: scope.accountId });
  if (!row) throw notFound(`No active key with id '${id}'`, "id");
  forgetKeyId(row.id);
  await audit({ accountId: row.accountId, action: "key.revoke", objectType: "api_key", objectId: row.id, after: { prefix: row.prefix, revoked: true } });
  return row.id;
}

/** "now", "1h", "24h", "7d", or a date and time: when a rotated key's old secret stops working. */
export function graceEnd(grace: string, now = new Date()): Date {
  const text = grace.trim();
  if (text === "now" || text === "0") return now;
  if (/^\d+\s*[mhdwy]$/.test(text)) return new Date(now.getTime() + parseDuration(text, "grace"));
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw badRequest(`Invalid grace '${grace}': use now, a duration such as 24h or 7d, or a date`, "grace");
  if (at.getTime() > now.getTime() + 366 * 86_400_000) throw badRequest("The grace period can last at most a year", "grace");
  return at < now ? now : at;
}

/**
 * Give a key a new secret, keeping its id, name, limits, allow-list and
 * history. The old secret works until the grace ends; rotating again drops
 * a secret still in its grace at once. Returns the new secret (shown once).
 */
export async function rotateKey({ id, scope, grace, now = new Date() }: { id: string; scope: KeyScope; grace: string; now?: Date }) {
  checkId(id);
  const until = graceEnd(grace, now);
  const secret = generateSecret();
  const row = await rotateApiKey({ id, accountId: accountOf(scope), hash: hashSecret(secret), prefix: visiblePrefix(secret), graceUntil: until });
  if (!row) throw notFound(`No usable API key with id '${id}' (revoked and expired keys cannot be rotated)`, "id");
  forgetKeyId(row.id);
  await audit({
    accountId: row.accountId,
    action: "key.rotate",
    objectType: "api_key",
    objectId: row.id,
    after: { prefix: visiblePrefix(secret), previousPrefix: row.previousPrefix, previousValidUntil: row.previousExpiresAt },
  });
  return { id: row.id, secret, prefix: visiblePrefix(secret), previousExpiresAt: row.previousExpiresAt };
}

/** The key a CLI user names by id or by the start of its visible prefix. */
export async function resolveKeyRef(ref: string) {
  const rows = await findApiKeysByRefForPlatform({ ref: ref.trim() });
  if (rows.length === 0) throw notFound(`No key with id or prefix '${ref}'`, "key");
  if (rows.length > 1) throw badRequest(`'${ref}' matches ${rows.length} keys: give more of the prefix, or the id`, "key");
  return rows[0]!;
}

export { hashSecret };

export interface KeyLimitsInput {
  /** Model ids; an empty list or null means every model. */
  models?: string[] | null;
  /** Euros, or null for no budget of its own. */
  monthlyBudget?: string | number | null;
  outputTokensPerHour?: number | null;
  outputTokensPerDay?: number | null;
  /** A duration from now ("30d"), a date, or null for never. */
  expires?: string | null;
}

function expiryOf(text: string, now: Date): Date {
  if (/^\d+\s*[mhdwy]$/.test(text.trim())) return new Date(now.getTime() + parseDuration(text));
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw badRequest(`Invalid expiry '${text}': use a duration such as 30d, or a date`, "expires");
  if (at <= now) throw badRequest("The expiry must be in the future", "expires");
  return at;
}

/**
 * A key's own limits as columns, checked against its account: a key may be
 * held tighter than its account, never looser.
 */
async function limitValues(input: KeyLimitsInput, accountId: string, now: Date): Promise<KeyLimitValues> {
  const values: KeyLimitValues = {};
  const found = await findAccountById({ id: accountId });
  if (!found) throw notFound("Account not found", "account");
  const { account, tier } = found;
  if (input.models !== undefined) values.allowedModels = input.models && input.models.length > 0 ? input.models : null;
  if (input.monthlyBudget !== undefined && input.monthlyBudget !== "") {
    let budget: bigint | null = null;
    try {
      budget = input.monthlyBudget === null ? null : eurosToNanos(input.monthlyBudget);
    } catch (err) {
      throw badRequest((err as Error).message, "monthly_budget");
    }
    if (budget !== null && budget <= 0n) throw badRequest("A key's monthly budget must be more than 0 €", "monthly_budget");
    const cap = monthlyCap(account, tier);
    if (budget !== null && cap !== null && budget > cap) {
      throw badRequest(`A key's monthly budget cannot exceed the account's (${formatMoney(cap)})`, "monthly_budget");
    }
    values.monthlyBudgetNanos = budget;
  }
  const windows = [
    ["outputTokensPerHour", "output_tokens_per_hour", input.outputTokensPerHour, tier.outputTokensPerHour, "hour"],
    ["outputTokensPerDay", "output_tokens_per_day", input.outputTokensPerDay, tier.outputTokensPerDay, "day"],
  ] as const;
  for (const [field, param, v, accountLimit, per] of windows) {
    if (v === undefined) continue;
    if (v !== null && (!Number.isInteger(v) || v <= 0)) throw badRequest(`Output tokens per ${per} must be a positive whole number, or none`, param);
    if (v !== null && accountLimit !== null && v > accountLimit) {
      throw badRequest(`Output tokens per ${per} cannot exceed the account's ${accountLimit.toLocaleString("en")}`, param);
    }
    values[field] = v;
  }
  if (input.expires !== undefined && input.expires !== "") values.expiresAt = input.expires === null ? null : expiryOf(input.expires, now);
  return values;
}

/** Set a key's own limits: exact on every instance once this returns (see lib/limits/propagation.ts). */
export async function setKeyLimits(input: KeyLimitsInput & { id: string; scope: KeyScope }, now = new Date()) {
  checkId(input.id);
  const target = input.scope === "platform" ? (await findApiKeysByRefForPlatform({ ref: input.id }))[0] : { accountId: input.scope.accountId };
  if (!target) throw notFound(`No key with id '${input.id}'`, "id");
  const values = await limitValues(input, target.accountId, now);
  const row = await updateApiKeyLimits({ id: input.id, accountId: accountOf(input.scope), values });
  if (!row) throw notFound(`No key with id '${input.id}'`, "id");
  forgetKeyId(row.id);
  await audit({ accountId: target.accountId, action: "key.limits", objectType: "api_key", objectId: row.id, after: values as Record<string, unknown> });
  await limitsApplied();
  return row.id;
}
