import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

const caller = vi.hoisted(() => ({ signedIn: true }));
// The session itself is Auth.js's business; here only what the wrapper does around it.
vi.mock("./auth", () => ({
  consoleCaller: async () => {
    if (!caller.signedIn) throw new AppError(401, "authentication_error", "signed out", null, "not_signed_in");
    return { user: { id: "u1", accountId: "a1", role: "member", superadmin: false }, key: { id: "k1" } };
  },
}));

const { JSON_BODY, consoleRoute } = await import("./route");

const route = consoleRoute<{ id: string }>(async (_request, { caller: c, params }) => Response.json({ user: c.user.id, id: params.id }), { accepts: JSON_BODY });
const call = (init: RequestInit & { headers?: Record<string, string> }) =>
  route(new Request("http://127.0.0.1:3000/api/console/things/7", { ...init, headers: { host: "127.0.0.1:3000", ...init.headers } }), { params: Promise.resolve({ id: "7" }) });

describe("consoleRoute", () => {
  beforeEach(() => {
    caller.signedIn = true;
    delete process.env.LLMAAS_PUBLIC_URL;
    resetEnv();
  });
  afterEach(() => resetEnv());

  it("runs the handler for the console's own pages", async () => {
    const res = await call({ method: "POST", body: "{}", headers: { origin: "http://127.0.0.1:3000", "content-type": "application/json; charset=utf-8" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: "u1", id: "7" });
  });

  it("refuses a write from another origin with 403 in the envelope", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await call({ method, body: "{}", headers: { origin: "http://evil.example", "content-type": "application/json" } });
      expect(res.status).toBe(403);
      expect((await res.json()).error).toMatchObject({ type: "permission_error", code: "cross_origin_request" });
    }
    const site = await call({ method: "POST", body: "{}", headers: { "sec-fetch-site": "same-site", "content-type": "application/json" } });
    expect(site.status).toBe(403);
  });

  it("lets reads through from anywhere: they change nothing and the browser keeps the answer from the other page", async () => {
    expect((await call({ method: "GET", headers: { origin: "http://evil.example" } })).status).toBe(200);
  });

  it("refuses bodies that are not JSON (a form or text/plain needs no preflight)", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await call({ method: "POST", body: "{}", headers: { origin: "http://127.0.0.1:3000", "content-type": type } });
      expect(res.status).toBe(415);
      expect((await res.json()).error.code).toBe("unsupported_media_type");
    }
  });

  it("checks the origin against the public URL when one is set, whatever the forwarded headers say", async () => {
    process.env.LLMAAS_PUBLIC_URL = "https://llm.example.com";
    resetEnv();
    const forged = await call({ method: "POST", body: "{}", headers: { origin: "http://evil.example", "x-forwarded-host": "evil.example", "content-type": "application/json" } });
    expect(forged.status).toBe(403);
    const own = await call({ method: "POST", body: "{}", headers: { origin: "https://llm.example.com", "content-type": "application/json" } });
    expect(own.status).toBe(200);
  });

  it("answers 401 without a session", async () => {
    caller.signedIn = false;
    const res = await call({ method: "GET" });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("not_signed_in");
  });
});
