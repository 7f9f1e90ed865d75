import { expect, it } from "vitest";
import { describeEachDriver } from "@/tests/support/databases";
import { MAX_LOGIN_FAILURES, loginLockedFor, recordLoginFailure } from "./login-throttle";

describeEachDriver("sign-in throttling", () => {
  it("locks an email after too many failures until the window ends, for that email only", async () => {
    const now = new Date("2026-11-23T10:07:00Z");
    for (let i = 0; i < MAX_LOGIN_FAILURES - 1; i++) await recordLoginFailure("Ana@Acme.test", now);
    expect(await loginLockedFor("ana@acme.test", now)).toBeNull();
    await recordLoginFailure("ana@acme.test", now);
    expect(await loginLockedFor("ana@acme.test", now)).toBe(8);
    expect(await loginLockedFor("bob@acme.test", now)).toBeNull();
    expect(await loginLockedFor("ana@acme.test", new Date("2026-11-23T10:15:00Z"))).toBeNull();
  });
});
