import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import { findAccountById } from "@/db/queries/accounts";
import { findUserByEmail, findUserById } from "@/db/queries/users";
import { listAuditAs } from "@/lib/audit/list";
import { main } from "@/lib/cli/main";
import type { Caller } from "@/lib/console/authz";
import { createUser } from "@/lib/users";
import { describeEachDriver } from "@/tests/support/databases";
import { createTenant } from "@/tests/support/gateway";

/*
 * Who may do what to accounts and users, proven on the server actions the
 * pages call (the session is the only thing stood in for): members, finance,
 * an account's admin (on their own account and on another) and a platform
 * administrator, with the ids of other accounts and users swapped in.
 */

const session = vi.hoisted(() => ({ user: null as null | Record<string, unknown> }));
vi.mock("@/auth", () => ({
  auth: async () => (session.user ? { user: session.user } : null),
  signIn: async () => undefined,
  signOut: async () => undefined,
}));
// Pages are not rendered here: a revalidation has nothing to refresh.
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const accounts = await import("@/app/(console)/accounts/actions");
const members = await import("@/app/(console)/members/actions");

type Person = Caller & { email: string };

function as(p: Person) {
  session.user = { id: p.userId, accountId: p.accountId, role: p.role, superadmin: p.superadmin, email: p.email, name: "", mustChangePassword: false };
}

async function person(accountId: string, role: Person["role"], superadmin = false): Promise<Person> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@admin.test`;
  const u = await createUser({ email, password: "password-123", accountId, role, superadmin });
  return { userId: u.id, accountId, role, superadmin, email };
}

const status = (r: { ok: boolean; error?: { status: number } }) => (r.ok ? 200 : r.error!.status);

describeEachDriver("account and user administration", () => {
  let platform: Awaited<ReturnType<typeof createTenant>>;
  let acme: Awaited<ReturnType<typeof createTenant>>;
  let globex: Awaited<ReturnType<typeof createTenant>>;
  let root: Person, admin: Person, member: Person, finance: Person, otherAdmin: Person;

  beforeAll(async () => {
    platform = await createTenant();
    acme = await createTenant({ tier: "Tier 1" });
    globex = await createTenant();
    root = await person(platform.account.id, "admin", true);
    admin = await person(acme.account.id, "admin");
    member = await person(acme.account.id, "member");
    finance = await person(acme.account.id, "finance");
    otherAdmin = await person(globex.account.id, "admin");
  });

  beforeEach(() => {
    session.user = null;
  });

  it("lets only platform administrators create, rename, re-tier, budget and suspend accounts", async () => {
    const target = acme.account.id;
    const attempts = [
      () => accounts.createAccountAction({ name: `new-${Date.now()}`, tierId: 1 }),
      () => accounts.renameAccountAction({ accountId: target, name: "Hijacked" }),
      () => accounts.changeAccountTierAction({ accountId: target, tierId: 2 }),
      () => accounts.changeAccountBudgetAction({ accountId: target, monthlyBudget: "10" }),
      () => accounts.suspendAccountAction({ accountId: target, suspended: true }),
    ];
    for (const who of [member, finance, admin, otherAdmin]) {
      as(who);
      for (const attempt of attempts) expect(status(await attempt()), `${who.role} of ${who.accountId === target ? "the account" : "another"}`).toBe(403);
    }
    expect((await findAccountById({ id: target }))!.account).toMatchObject({ name: acme.account.name, suspendedAt: null, monthlyBudgetNanos: null });

    // Signed out: 401.
    session.user = null;
    expect(status(await attempts[1]!())).toBe(401);

    as(root);
    const name = `Initech ${Date.now()}`;
    const created = await accounts.createAccountAction({ name, tierId: 1 });
    expect(created.ok).toBe(true);
    const id = created.ok ? created.data.id : "";
    expect(status(await accounts.renameAccountAction({ accountId: id, name: "Initech Labs" }))).toBe(200);
    expect(status(await accounts.changeAccountTierAction({ accountId: id, tierId: 2 }))).toBe(200);
    expect(status(await accounts.changeAccountBudgetAction({ accountId: id, monthlyBudget: "250.5" }))).toBe(200);
    expect(status(await accounts.suspendAccountAction({ accountId: id, suspended: true, reason: "unpaid invoice" }))).toBe(200);
    expect(status(await accounts.suspendAccountAction({ accountId: id, suspended: false }))).toBe(200);
    const after = (await findAccountById({ id }))!;
    expect(after.account).toMatchObject({ name: "Initech Labs", tierId: 2, monthlyBudgetNanos: 250_500_000_000n, suspendedAt: null });
    expect(after.tier.name).toBe("Tier 2");

    // Every action left its audit row, with before and after.
    const { entries } = await listAuditAs(root, {}, 200);
    const mine = entries.filter((e) => e.objectId === id);
    expect(mine.map((e) => e.action).sort()).toEqual(["account.budget", "account.create", "account.rename", "account.suspend", "account.tier", "account.unsuspend"]);
    expect(mine.every((e) => e.actor === root.email)).toBe(true);
    expect(mine.find((e) => e.action === "account.rename")).toMatchObject({ before: { name }, after: { name: "Initech Labs" } });
    expect(mine.find((e) => e.action === "account.tier")).toMatchObject({ before: { tier: "Tier 1" }, after: { tier: "Tier 2" } });
    expect(mine.find((e) => e.action === "account.suspend")!.after).toMatchObject({ reason: "unpaid invoice" });
    expect(mine.find((e) => e.action === "account.suspend")!.before).toMatchObject({ suspendedAt: null });
  });

  it("answers bad input beside its field, unknown ids with 404, and never lets a budget pass the tier's cap", async () => {
    as(root);
    const empty = await accounts.createAccountAction({ name: "  ", tierId: 1 });
    expect(empty).toMatchObject({ ok: false, error: { status: 400, param: "name" } });
    const taken = await accounts.createAccountAction({ name: acme.account.name, tierId: 1 });
    expect(taken).toMatchObject({ ok: false, error: { status: 409, param: "name" } });
    const noTier = await accounts.createAccountAction({ name: `x-${Date.now()}`, tierId: 999 });
    expect(noTier).toMatchObject({ ok: false, error: { status: 404 } });
    const unknown = "00000000-0000-4000-8000-00000000abcd";
    expect(status(await accounts.renameAccountAction({ accountId: unknown, name: "Nobody" }))).toBe(404);
    expect(status(await accounts.suspendAccountAction({ accountId: unknown, suspended: true }))).toBe(404);
    expect(await accounts.renameAccountAction({ accountId: "not-an-id", name: "x" })).toMatchObject({ ok: false, error: { status: 400, param: "accountId" } });
    // Tier 1's cap is 1,000 €.
    const over = await accounts.changeAccountBudgetAction({ accountId: acme.account.id, monthlyBudget: "1000.01" });
    expect(over).toMatchObject({ ok: false, error: { status: 400, param: "monthly_budget" } });
    expect(over.ok ? "" : over.error.message).toContain("1,000.00 €");
    expect(await accounts.changeAccountBudgetAction({ accountId: acme.account.id, monthlyBudget: "12,5" })).toMatchObject({ ok: false, error: { param: "monthlyBudget" } });
    // Never the administrator's own account: their console would stop answering them.
    expect(status(await accounts.suspendAccountAction({ accountId: root.accountId, suspended: true }))).toBe(403);
  });

  it("lets an account's admins manage their own users, platform administrators everyone's, and nobody else", async () => {
    const form = (accountId: string, email: string) => ({ accountId, email, name: "New Person", role: "member" as const, temporaryPassword: "temporary-123" });
    // Members and finance manage nobody; another account's admin finds nothing; ids swapped in answer 404.
    for (const who of [member, finance]) {
      as(who);
      expect(status(await members.createMemberAction(form(acme.account.id, `n-${who.role}@admin.test`)))).toBe(403);
      expect(status(await members.setMemberRoleAction({ userId: member.userId, role: "admin" }))).toBe(403);
      expect(status(await members.setMemberEnabledAction({ userId: member.userId, enabled: false }))).toBe(403);
      expect(status(await members.resetMemberPasswordAction({ userId: member.userId, temporaryPassword: "temporary-123" }))).toBe(403);
    }
    as(otherAdmin);
    expect(status(await members.createMemberAction(form(acme.account.id, "intruder@admin.test")))).toBe(404);
    expect(status(await members.setMemberRoleAction({ userId: member.userId, role: "admin" }))).toBe(404);
    expect(status(await members.setMemberEnabledAction({ userId: member.userId, enabled: false }))).toBe(404);
    expect(status(await members.resetMemberPasswordAction({ userId: member.userId, temporaryPassword: "temporary-123" }))).toBe(404);
    as(admin);
    expect(status(await members.setMemberRoleAction({ userId: otherAdmin.userId, role: "member" }))).toBe(404);
    expect(status(await members.createMemberAction(form(globex.account.id, "sideways@admin.test")))).toBe(404);
    // Nobody locks themselves out; a platform administrator is changed only by another.
    expect(status(await members.setMemberEnabledAction({ userId: admin.userId, enabled: false }))).toBe(403);
    expect(status(await members.setMemberRoleAction({ userId: admin.userId, role: "member" }))).toBe(403);
    const rootInAcme = await person(acme.account.id, "admin", true);
    expect(status(await members.resetMemberPasswordAction({ userId: rootInAcme.userId, temporaryPassword: "temporary-123" }))).toBe(403);
    expect((await findUserById({ id: member.userId }))).toMatchObject({ role: "member", disabledAt: null, mustChangePassword: false });

    // The account's admin does it all for their own account.
    const created = await members.createMemberAction(form(acme.account.id, `Dana.${Date.now()}@Admin.test`));
    expect(created.ok).toBe(true);
    const dana = created.ok ? created.data.id : "";
    expect(await findUserById({ id: dana })).toMatchObject({ role: "member", mustChangePassword: true, accountId: acme.account.id });
    expect(status(await members.setMemberRoleAction({ userId: dana, role: "finance" }))).toBe(200);
    expect(await members.setMemberEnabledAction({ userId: dana, enabled: false })).toMatchObject({ ok: true, data: { revokedKeys: 0 } });
    expect(status(await members.setMemberEnabledAction({ userId: dana, enabled: true }))).toBe(200);
    const version = (await findUserById({ id: dana }))!.sessionVersion;
    expect(status(await members.resetMemberPasswordAction({ userId: dana, temporaryPassword: "another-temporary" }))).toBe(200);
    const reset = (await findUserById({ id: dana }))!;
    expect(reset.mustChangePassword).toBe(true);
    expect(reset.sessionVersion).toBeGreaterThan(version);

    // A platform administrator, for any account.
    as(root);
    const elsewhere = await members.createMemberAction({ ...form(globex.account.id, `eve.${Date.now()}@admin.test`), role: "admin" });
    expect(elsewhere.ok).toBe(true);
    expect(status(await members.setMemberEnabledAction({ userId: otherAdmin.userId, enabled: false }))).toBe(200);
    expect(status(await members.setMemberEnabledAction({ userId: otherAdmin.userId, enabled: true }))).toBe(200);

    // Bad input lands beside its field.
    as(admin);
    expect(await members.createMemberAction({ ...form(acme.account.id, "short@admin.test"), temporaryPassword: "short" })).toMatchObject({ ok: false, error: { status: 400, param: "temporaryPassword" } });
    expect(await members.createMemberAction(form(acme.account.id, "not an email"))).toMatchObject({ ok: false, error: { status: 400, param: "email" } });
    expect(await members.createMemberAction(form(acme.account.id, member.email))).toMatchObject({ ok: false, error: { status: 409, param: "email" } });
    expect(await members.setMemberRoleAction({ userId: dana, role: "owner" as never })).toMatchObject({ ok: false, error: { status: 400, param: "role" } });

    // Each action is in the audit log with before and after, and no password anywhere.
    const { entries } = await listAuditAs(admin, {}, 200);
    const danas = entries.filter((e) => e.objectId === dana);
    expect(danas.map((e) => e.action).sort()).toEqual(["user.create", "user.disable", "user.enable", "user.password_reset", "user.role"]);
    expect(danas.find((e) => e.action === "user.role")).toMatchObject({ before: { role: "member" }, after: { role: "finance" } });
    expect(danas.find((e) => e.action === "user.create")!.after).toMatchObject({ mustChangeAtSignIn: true, role: "member" });
    expect(danas.find((e) => e.action === "user.disable")!.before).toMatchObject({ disabledAt: null });
    const text = JSON.stringify(entries);
    expect(text).not.toContain("temporary-123");
    expect(text).not.toContain("another-temporary");
    expect(text).not.toMatch(/password_?hash/i);
  });

  it("does the same from the CLI, through the same functions, audited as the CLI", async () => {
    const quiet = { out: () => {}, err: () => {} };
    const run = (...argv: string[]) => main(["node", "llmaas", ...argv], quiet, { manageDatabase: false });
    const name = `Cli Co ${Date.now()}`;
    expect(await run("account", "create", "--name", name, "--tier", "Tier 1")).toBe(0);
    expect(await run("account", "rename", "--account", name, "--name", `${name} Ltd`)).toBe(0);
    expect(await run("account", "rename", "--account", name, "--name", "x")).toBe(1);
    const email = `cli-${Date.now()}@admin.test`;
    expect(await run("user", "create", "--email", email, "--password", "temporary-cli", "--account", `${name} Ltd`, "--temporary")).toBe(0);
    expect(await run("user", "role", "--email", email, "--role", "finance")).toBe(0);
    expect(await run("user", "role", "--email", email, "--role", "owner")).toBe(1);
    expect(await run("user", "password", "--email", email, "--password", "reset-by-cli", "--temporary")).toBe(0);
    const user = (await findUserByEmail({ email }))!;
    expect(user).toMatchObject({ role: "finance", mustChangePassword: true });
    const account = (await findAccountById({ id: user.accountId }))!.account;
    expect(account.name).toBe(`${name} Ltd`);
    expect(await run("account", "suspend", "--account", `${name} Ltd`)).toBe(0);
    expect((await findAccountById({ id: account.id }))!.account.suspendedAt).not.toBeNull();
    expect(await run("account", "unsuspend", "--account", `${name} Ltd`)).toBe(0);
    const { entries } = await listAuditAs(root, { account: account.id }, 100);
    expect(entries.map((e) => e.action).sort()).toEqual(["account.create", "account.rename", "account.suspend", "account.unsuspend", "user.create", "user.password_reset", "user.role"]);
    expect(entries.every((e) => e.actor.startsWith("cli:"))).toBe(true);
  });
});
