import { z } from "zod";
import { findUserByEmail, findUserById, insertUser, listUsersForPlatform, listUsersOfAccount, setUserDisabled, setUserRoleOf, updatePasswordHash } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { requireAccount } from "./accounts";
import { ROLES, type Role } from "./roles";
import { audit } from "./audit/audit";
import { badRequest, conflict, isUniqueViolation, notFound } from "./errors";
import { forgetKeyId } from "./keys/cache";
import { MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from "./passwords";
import { parseInput } from "./validate";

/*
 * Users of the console: what account admins, platform administrators and the
 * CLI do to them, the same functions behind all three. Every change is
 * audited; a password never is, nor logged, nor shown again.
 */

const email = z.string().trim().toLowerCase().email("a valid email address is required");
const password = z.string().min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
const role = z.enum(ROLES, { message: `role must be one of ${ROLES.join(", ")}` });

const createUserSchema = z.object({
  email,
  password,
  name: z.string().trim().max(100).default(""),
  role: role.default("member"),
  superadmin: z.boolean().default(false),
  /** The password is a temporary one an administrator chose: the user must choose their own at first sign-in. */
  mustChangePassword: z.boolean().default(false),
});

type CreateUserInput = z.input<typeof createUserSchema> & ({ account: string } | { accountId: string });

/** What the audit log keeps of a user. */
const described = (u: Pick<User, "email" | "name" | "role" | "superadmin">) => ({ email: u.email, name: u.name, role: u.role, superadmin: u.superadmin });

export async function createUser(input: CreateUserInput) {
  const data = parseInput(createUserSchema, input);
  const accountId = "accountId" in input ? input.accountId : (await requireAccount(input.account)).id;
  if (await findUserByEmail({ email: data.email })) throw conflict(`A user with email '${data.email}' already exists`, "email");
  try {
    const user = await insertUser({ ...data, passwordHash: await hashPassword(data.password), accountId });
    await audit({ accountId, action: "user.create", objectType: "user", objectId: user.id, after: { ...described(user), mustChangeAtSignIn: user.mustChangePassword } });
    return { ...user, passwordHash: undefined };
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A user with email '${data.email}' already exists`, "email");
    throw err;
  }
}

async function requireUser(address: string) {
  const data = parseInput(z.object({ email }), { email: address });
  const user = await findUserByEmail({ email: data.email });
  if (!user) throw notFound(`No user with email '${data.email}'`, "email");
  return user;
}

async function requireUserById(id: string) {
  const user = z.string().uuid().safeParse(id).success ? await findUserById({ id }) : undefined;
  if (!user) throw notFound("No such user", "user_id");
  return user;
}

/** A user by e-mail (the CLI) or id (the console). */
const userOf = (ref: { email: string } | { userId: string }) => ("email" in ref ? requireUser(ref.email) : requireUserById(ref.userId));

/**
 * Give a user a new password. Their open console sessions end (the session
 * version moves with the password). A temporary one (an administrator's
 * reset) must be changed at their next sign-in.
 */
export async function setPassword(input: ({ email: string } | { userId: string }) & { password: string; temporary?: boolean }) {
  const user = await userOf(input);
  const data = parseInput(z.object({ password }), { password: input.password });
  const temporary = input.temporary ?? false;
  await updatePasswordHash({ userId: user.id, passwordHash: await hashPassword(data.password), mustChangePassword: temporary });
  await audit({
    accountId: user.accountId,
    action: temporary ? "user.password_reset" : "user.password",
    objectType: "user",
    objectId: user.id,
    before: { email: user.email, mustChangeAtSignIn: user.mustChangePassword },
    after: { email: user.email, mustChangeAtSignIn: temporary },
  });
  return { ...user, passwordHash: undefined };
}

/**
 * A signed-in user chooses their own password, proving the one they have
 * (the temporary one, after a reset). Clears the must-change flag.
 */
export async function changeOwnPassword(input: { userId: string; current: string; password: string }) {
  const user = await requireUserById(input.userId);
  const data = parseInput(z.object({ password }), { password: input.password });
  if (!(await verifyPassword(input.current, user.passwordHash))) throw badRequest("That is not your current password", "current");
  if (await verifyPassword(data.password, user.passwordHash)) throw badRequest("Choose a password other than the current one", "password");
  await updatePasswordHash({ userId: user.id, passwordHash: await hashPassword(data.password), mustChangePassword: false });
  await audit({
    accountId: user.accountId,
    action: "user.password_change",
    objectType: "user",
    objectId: user.id,
    before: { email: user.email, mustChangeAtSignIn: user.mustChangePassword },
    after: { email: user.email, mustChangeAtSignIn: false },
  });
  return { email: user.email };
}

/** Change a user's role in their account; their sessions end, so the new rights apply at once. */
export async function setUserRole(input: ({ email: string } | { userId: string }) & { role: Role }) {
  const user = await userOf(input);
  const next = parseInput(z.object({ role }), { role: input.role }).role;
  if (next === user.role) return { ...user, passwordHash: undefined };
  await setUserRoleOf({ userId: user.id, role: next });
  await audit({ accountId: user.accountId, action: "user.role", objectType: "user", objectId: user.id, before: { email: user.email, role: user.role }, after: { email: user.email, role: next } });
  return { ...user, role: next, passwordHash: undefined };
}

/**
 * Disable a user: they can no longer sign in, a session they have ends at
 * its next request, and every key they hold is revoked (on every instance
 * within a second). Enabling them again lets them sign in; keys stay revoked.
 */
export async function setUserEnabled(input: ({ email: string } | { userId: string }) & { enabled: boolean }) {
  const user = await userOf(input);
  const result = await setUserDisabled({ userId: user.id, disabled: !input.enabled });
  if (!result) throw notFound("No such user", "user_id");
  // This instance forgets them now; the others within a second (their revocation watchers).
  for (const id of result.revokedKeyIds) forgetKeyId(id);
  await audit({
    accountId: user.accountId,
    action: input.enabled ? "user.enable" : "user.disable",
    objectType: "user",
    objectId: user.id,
    before: { email: user.email, disabledAt: user.disabledAt },
    after: { email: user.email, disabledAt: result.user.disabledAt, revokedKeys: result.revokedKeyIds },
  });
  return { user: result.user, revokedKeys: result.revokedKeyIds.length };
}

/** Users of one account (by name), or of every account. */
export async function listUsers(input: { account?: string } = {}) {
  if (!input.account) return listUsersForPlatform();
  return listUsersOfAccount({ accountId: (await requireAccount(input.account)).id });
}
