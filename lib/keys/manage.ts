import { z } from "zod";
import { findUserByEmail, findUserById } from "@/db/queries/users";
import { insertApiKey, listAllKeys, listKeysForAccount, revokeApiKey, updateApiKeyLimits } from "@/db/queries/keys";
import { eurosToNanos } from "../billing/money";
import { badRequest, notFound } from "../errors";
import { parseDuration } from "../duration";
import { generateSecret, hashSecret, visiblePrefix } from "./secret";
import { forgetKey } from "./cache";

const createSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100),
  models: z.array(z.string().trim().min(1)).optional(),
  expires: z.string().optional(),
  kind: z.enum(["api", "console"]).default("api"),
});

export type CreateKeyInput = z.input<typeof createSchema> & ({ email: string } | { userId: string });

/** Create an API key for a user. The secret is returned here once and never again. */
export async function createKey(input: CreateKeyInput, now = new Date()) {
  const parsed = createSchema.safeParse(input);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message, String(parsed.error.issues[0]!.path[0] ?? ""));
  const user = "email" in input ? await findUserByEmail({ email: input.email }) : await findUserById({ id: input.userId });
  if (!user) throw notFound(`No user ${"email" in input ? `with email '${input.email}'` : "with that id"}`, "email");
  if (user.disabledAt) throw badRequest(`User '${user.email}' is disabled: enable them before creating keys`, "email");
  const { name, models, expires, kind } = parsed.data;
  const secret = generateSecret();
  const key = await insertApiKey({
    accountId: user.accountId,
    userId: user.id,
    name,
    kind,
    prefix: visiblePrefix(secret),
    hash: hashSecret(secret),
    allowedModels: models && models.length > 0 ? models : null,
    expiresAt: expires ? new Date(now.getTime() + parseDuration(expires)) : null,
  });
  return { key: { ...key, hash: undefined }, secret };
}

export async function listKeys({ email, accountId }: { email?: string; accountId?: string } = {}) {
  let userId: string | undefined;
  if (email) {
    const user = await findUserByEmail({ email });
    if (!user) throw notFound(`No user with email '${email}'`, "email");
    userId = user.id;
  }
  return accountId ? listKeysForAccount({ accountId, userId }) : listAllKeys({ userId });
}

/** Revoke a key. With accountId, a key of another account is "not found". */
export async function revokeKey({ id, accountId }: { id: string; accountId?: string }) {
  if (!z.string().uuid().safeParse(id).success) throw badRequest(`Invalid key id '${id}'`, "id");
  const row = await revokeApiKey({ id, accountId });
  if (!row) throw notFound(`No active key with id '${id}'`, "id");
  forgetKey(row.hash);
  return row.id;
}

export { hashSecret };

export interface KeyLimitsInput {
  id: string;
  /** Only keys of this account (console); unset for platform administrators. */
  accountId?: string;
  /** Model ids; an empty list or null means every model. */
  models?: string[] | null;
  /** Euros, or null for no budget of its own. */
  monthlyBudget?: string | number | null;
  outputTokensPerHour?: number | null;
  outputTokensPerDay?: number | null;
  /** A duration from now ("30d"), or null for never. */
  expires?: string | null;
}

/** Set the limits an account admin puts on one key. They reach every instance within seconds. */
export async function setKeyLimits(input: KeyLimitsInput, now = new Date()) {
  if (!z.string().uuid().safeParse(input.id).success) throw badRequest(`Invalid key id '${input.id}'`, "id");
  const values: Parameters<typeof updateApiKeyLimits>[0]["values"] = {};
  if (input.models !== undefined) values.allowedModels = input.models && input.models.length > 0 ? input.models : null;
  if (input.monthlyBudget !== undefined) {
    try {
      values.monthlyBudgetNanos = input.monthlyBudget === null ? null : eurosToNanos(input.monthlyBudget);
    } catch (err) {
      throw badRequest((err as Error).message, "monthly_budget");
    }
  }
  for (const [field, v] of [["outputTokensPerHour", input.outputTokensPerHour], ["outputTokensPerDay", input.outputTokensPerDay]] as const) {
    if (v === undefined) continue;
    if (v !== null && (!Number.isInteger(v) || v <= 0)) throw badRequest(`${field} must be a positive integer or none`, field);
    values[field] = v;
  }
  if (input.expires !== undefined) values.expiresAt = input.expires === null ? null : new Date(now.getTime() + parseDuration(input.expires));
  const row = await updateApiKeyLimits({ id: input.id, accountId: input.accountId, values });
  if (!row) throw notFound(`No key with id '${input.id}'`, "id");
  forgetKey(row.hash);
  return row.id;
}
