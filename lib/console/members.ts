import { z } from "zod";
import { findUserById, listMembersOfAccount } from "@/db/queries/users";
import { requireAccountById } from "@/lib/accounts";
import { notFound } from "@/lib/errors";
import { ROLES, type Role } from "@/lib/roles";
import { createUser, setPassword, setUserEnabled, setUserRole } from "@/lib/users";
import { parseForm } from "@/lib/validate";
import {
  type CreateMemberForm,
  type MemberEnabledForm,
  type MemberRoleForm,
  type ResetPasswordForm,
  createMemberSchema,
  memberEnabledSchema,
  memberRoleSchema,
  resetPasswordSchema,
} from "./admin-schema";
import { type Caller, forbidden, managesUsersOf, readsUsersOf, requireThat } from "./authz";
import { decodeCursor, pageOf, parseSort, sortParam } from "./keyset";

/*
 * The users of an account, as the console manages them: account admins their
 * own account's, platform administrators every account's; finance reads its
 * own account's list. The same functions as the CLI do the work (lib/users.ts).
 */

const PAGE = 25;

/** A user as the members list shows it: plain data, dates as ISO strings; never a password or its hash. */
export interface MemberView {
  id: string;
  email: string;
  name: string;
  role: Role;
  superadmin: boolean;
  disabledAt: string | null;
  mustChangePassword: boolean;
  createdAt: string;
}

const listSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  role: z.enum(ROLES).optional().catch(undefined),
  status: z.enum(["active", "disabled"]).optional().catch(undefined),
  sort: z.string().max(20).optional().catch(undefined),
  after: z.string().max(1000).optional().catch(undefined),
});
export type MemberListQuery = z.input<typeof listSchema>;

/** A page of an account's users. Another account's list is "not found" to whoever may not read it, so ids reveal nothing. */
export async function listMembersAs(caller: Caller, accountId: string, query: MemberListQuery = {}, limit = PAGE) {
  if (!readsUsersOf(caller, accountId)) {
    // Their own account's list exists for members too; it is just not theirs to read.
    if (accountId === caller.accountId) throw forbidden("The account's users are for its admins and finance");
    throw notFound("No such account", "account");
  }
  const { account } = await requireAccountById(accountId);
  const q = listSchema.parse(query);
  const sort = parseSort(q.sort, ["email"] as const, { key: "email", desc: false });
  const after = decodeCursor(q.after, 1)?.[0];
  const rows = await listMembersOfAccount({ accountId: account.id, role: q.role, status: q.status, search: q.q || undefined, desc: sort.desc, after, limit: limit + 1 });
  const page = pageOf(rows, limit, (r) => [r.email.toLowerCase()]);
  return {
    account,
    members: page.rows.map(
      (r): MemberView => ({
        id: r.id,
        email: r.email,
        name: r.name,
        role: r.role,
        superadmin: r.superadmin,
        disabledAt: r.disabledAt?.toISOString() ?? null,
        mustChangePassword: r.mustChangePassword,
        createdAt: r.createdAt.toISOString(),
      }),
    ),
    next: page.next,
    canManage: managesUsersOf(caller, account.id),
    query: { q: q.q ?? "", role: q.role ?? "", status: q.status ?? "", sort: sortParam(sort), after: q.after ?? "" },
  };
}

/** Members and finance manage no users: a 403 before anything else is looked at. */
const adminsOnly = (caller: Caller) => requireThat(caller.role === "admin" || caller.superadmin, "Only the account's admins can manage its users");

/**
 * A user the caller may change: one of an account they manage (anything else
 * is "not found"), never themselves (so nobody locks themselves out), and a
 * platform administrator only by another.
 */
async function memberFor(caller: Caller, userId: string, what: string) {
  const user = z.string().uuid().safeParse(userId).success ? await findUserById({ id: userId }) : undefined;
  if (!user || !managesUsersOf(caller, user.accountId)) throw notFound("No such user", "user_id");
  if (user.id === caller.userId) throw forbidden(`You cannot ${what} yourself`);
  if (user.superadmin && !caller.superadmin) throw forbidden("Only a platform administrator can change a platform administrator");
  return user;
}

/** A new user of the account, with a temporary password they must change at first sign-in. */
export async function createMemberAs(caller: Caller, input: CreateMemberForm) {
  adminsOnly(caller);
  const f = parseForm(createMemberSchema, input);
  if (!managesUsersOf(caller, f.accountId)) throw notFound("No such account", "account_id");
  const { account } = await requireAccountById(f.accountId);
  const user = await createUser({ accountId: account.id, email: f.email, name: f.name, role: f.role, password: f.temporaryPassword, mustChangePassword: true });
  return { id: user.id, email: user.email };
}

export async function setMemberRoleAs(caller: Caller, input: MemberRoleForm) {
  adminsOnly(caller);
  const f = parseForm(memberRoleSchema, input);
  const user = await memberFor(caller, f.userId, "change the role of");
  return setUserRole({ userId: user.id, role: f.role });
}

export async function setMemberEnabledAs(caller: Caller, input: MemberEnabledForm) {
  adminsOnly(caller);
  const f = parseForm(memberEnabledSchema, input);
  const user = await memberFor(caller, f.userId, f.enabled ? "enable" : "disable");
  return setUserEnabled({ userId: user.id, enabled: f.enabled });
}

/** A new temporary password: the user's sessions end and they must choose their own at their next sign-in. */
export async function resetMemberPasswordAs(caller: Caller, input: ResetPasswordForm) {
  adminsOnly(caller);
  const f = parseForm(resetPasswordSchema, input);
  const user = await memberFor(caller, f.userId, "reset the password of");
  await setPassword({ userId: user.id, password: f.temporaryPassword, temporary: true });
  return { email: user.email };
}
