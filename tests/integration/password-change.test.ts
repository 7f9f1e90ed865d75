import { beforeEach, expect, it, vi } from "vitest";
import { findUserById } from "@/db/queries/users";
import { listAuditAs } from "@/lib/audit/list";
import { verifyPassword } from "@/lib/passwords";
import { createUser, setPassword } from "@/lib/users";
import { describeEachDriver } from "@/tests/support/databases";
import { createTenant } from "@/tests/support/gateway";

/*
 * A user whose password an administrator chose (a new user, a reset) can do
 * nothing in the console but choose their own: pages send them to
 * /change-password, server actions and console routes answer 403
 * password_change_required. Choosing it clears the flag, ends their other
 * sessions and signs them in again with the new password.
 */

const session = vi.hoisted(() => ({ user: null as null | Record<string, unknown>, signIns: [] as Record<string, unknown>[] }));
vi.mock("@/auth", () => ({
  auth: async () => (session.user ? { user: session.user } : null),
  signIn: async (_provider: string, options: Record<string, unknown>) => void session.signIns.push(options),
  signOut: async () => undefined,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
// Only its error class is used here; the package itself needs Next.js's server runtime.
vi.mock("next-auth", () => ({ AuthError: class AuthError extends Error {} }));

const { changePassword } = await import("@/app/(auth)/change-password/actions");
const { createKeyAction } = await import("@/app/(console)/keys/actions");
const { GET: limits } = await import("@/app/api/console/limits/route");
const { requireSession } = await import("@/lib/session");
const { actionCaller } = await import("@/lib/console/caller");

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

describeEachDriver("forced password change", () => {
  beforeEach(() => {
    session.user = null;
    session.signIns.length = 0;
  });

  it("lets a user with a temporary password do nothing but choose their own, then everything", async () => {
    const t = await createTenant();
    const email = `temp-${Math.random().toString(36).slice(2, 8)}@pw.test`;
    const user = await createUser({ email, password: "temporary-one", accountId: t.account.id, role: "admin", mustChangePassword: true });
    const signedIn = async () => {
      const u = (await findUserById({ id: user.id }))!;
      session.user = { id: u.id, email: u.email, name: u.name, accountId: u.accountId, role: u.role, superadmin: u.superadmin, mustChangePassword: u.mustChangePassword };
    };
    await signedIn();

    // Pages: sent to choose a password. Actions and console routes: refused.
    const redirected = await requireSession().catch((err: { digest?: string }) => err.digest ?? "");
    expect(String(redirected)).toContain("/change-password");
    await expect(actionCaller()).rejects.toMatchObject({ status: 403, code: "password_change_required" });
    const action = await createKeyAction({ name: "sneaky" });
    expect(action).toMatchObject({ ok: false, error: { status: 403 } });
    const route = await limits(new Request("http://127.0.0.1:3000/api/console/limits"), { params: Promise.resolve({}) });
    expect(route.status).toBe(403);
    expect((await route.json()).error).toMatchObject({ type: "permission_error", code: "password_change_required" });

    // The form refuses what it should, beside the field.
    expect((await changePassword({}, form({ current: "wrong", password: "my own password", confirm: "my own password" }))).fieldErrors).toMatchObject({ current: expect.any(String) });
    expect((await changePassword({}, form({ current: "temporary-one", password: "my own password", confirm: "typo" }))).fieldErrors).toMatchObject({ confirm: "The passwords do not match" });
    expect((await changePassword({}, form({ current: "temporary-one", password: "temporary-one", confirm: "temporary-one" }))).fieldErrors).toMatchObject({ password: expect.any(String) });
    expect((await changePassword({}, form({ current: "temporary-one", password: "short", confirm: "short" }))).fieldErrors).toMatchObject({ password: expect.any(String) });
    expect(session.signIns).toHaveLength(0);

    const before = (await findUserById({ id: user.id }))!;
    expect(await changePassword({}, form({ current: "temporary-one", password: "my own password", confirm: "my own password" }))).toEqual({});
    const after = (await findUserById({ id: user.id }))!;
    expect(after.mustChangePassword).toBe(false);
    expect(after.sessionVersion).toBeGreaterThan(before.sessionVersion);
    expect(await verifyPassword("my own password", after.passwordHash)).toBe(true);
    // Signed in again with the new password, on to the console.
    expect(session.signIns).toEqual([{ email, password: "my own password", redirectTo: "/" }]);

    await signedIn();
    await expect(actionCaller()).resolves.toMatchObject({ userId: user.id });
    expect((await requireSession()).user.id).toBe(user.id);
    expect(await createKeyAction({ name: "now allowed" })).toMatchObject({ ok: true });

    // A reset (console or CLI) sets it again.
    await setPassword({ email, password: "temporary-two", temporary: true });
    expect((await findUserById({ id: user.id }))!.mustChangePassword).toBe(true);

    const { entries } = await listAuditAs({ userId: user.id, accountId: t.account.id, role: "admin", superadmin: false }, {});
    const mine = entries.filter((e) => e.objectId === user.id).map((e) => e.action);
    expect(mine).toEqual(expect.arrayContaining(["user.create", "user.password_change", "user.password_reset"]));
    expect(JSON.stringify(entries)).not.toMatch(/temporary-one|temporary-two|my own password/);
  });

  it("sends a signed-out visitor of the page to sign in", async () => {
    const outcome = await changePassword({}, form({ current: "x", password: "y", confirm: "y" })).catch((err: { digest?: string }) => err.digest ?? "");
    expect(String(outcome)).toContain("/login");
  });
});
