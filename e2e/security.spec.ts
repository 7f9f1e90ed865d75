import { type APIRequestContext, expect, test } from "@playwright/test";
import { ADMIN, BASE_URL, FAKE_BACKEND_URL, MEMBER, llmaas, signInAsAdmin } from "./fixtures";
import { toneWav } from "./support/wav";

const EVIL = "http://evil.example";

async function conversationIds(request: APIRequestContext): Promise<string[]> {
  const res = await request.get("/api/console/conversations");
  expect(res.status()).toBe(200);
  return ((await res.json()) as { data: { id: string }[] }).data.map((c) => c.id);
}

test.describe("security headers", () => {
  test("pages carry a nonce-based CSP that forbids framing, and the other security headers", async ({ page }) => {
    await signInAsAdmin(page);
    for (const path of ["/", "/chat", "/transcribe"]) {
      const res = (await page.goto(path))!;
      const h = res.headers();
      const csp = h["content-security-policy"]!;
      for (const d of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "default-src 'self'"]) expect(csp).toContain(d);
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce, `${path}: nonce`).toBeTruthy();
      // Every script Next.js rendered carries it (else the page would not run at all).
      const scripts = await page.locator("script").evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
      expect(scripts.length).toBeGreaterThan(0);
      expect(new Set(scripts)).toEqual(new Set([nonce]));
      expect(h["x-content-type-options"]).toBe("nosniff");
      expect(h["x-frame-options"]).toBe("DENY");
      expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(h["permissions-policy"]).toContain(path === "/transcribe" ? "microphone=(self)" : "microphone=()");
      // Served over http here: no HSTS (an https public URL adds it).
      expect(h["strict-transport-security"]).toBeUndefined();
    }
    // Each answer has its own nonce.
    const first = (await page.goto("/"))!.headers()["content-security-policy"];
    const second = (await page.goto("/"))!.headers()["content-security-policy"];
    expect(first).not.toEqual(second);
    await expect(page.getByTestId("signed-in-email")).toHaveText(ADMIN.email);
  });

  test("/api and /v1 answers say nosniff and cannot be framed", async ({ request }) => {
    for (const path of ["/api/health", "/api/console/limits", "/v1/models", "/v2/rerank"]) {
      const res = await request.get(path);
      expect(res.headers()["x-content-type-options"], path).toBe("nosniff");
    }
    for (const path of ["/api/health", "/api/console/limits"]) {
      expect((await request.get(path)).headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  test("the transcription page may use the microphone, other pages may not", async ({ page }) => {
    await signInAsAdmin(page);
    await page.goto("/chat");
    expect(await page.evaluate(() => (document as unknown as { featurePolicy?: { allowsFeature(f: string): boolean } }).featurePolicy?.allowsFeature("microphone"))).toBe(false);
    await page.goto("/transcribe");
    expect(await page.evaluate(() => (document as unknown as { featurePolicy?: { allowsFeature(f: string): boolean } }).featurePolicy?.allowsFeature("microphone"))).toBe(true);
  });
});

test.describe("cross-origin writes", () => {
  test("every state-changing console request from another origin is refused with 403; the same requests from the console work", async ({ page }) => {
    await signInAsAdmin(page);
    const api = page.request; // carries the session cookie
    const own = { origin: BASE_URL };
    const before = await conversationIds(api);

    const chat = { model: "fake-chat", messages: [{ role: "user", content: "hi" }], max_tokens: 5 };
    let res = await api.post("/api/console/v1/chat/completions", { data: chat, headers: { origin: EVIL } });
    expect(res.status()).toBe(403);
    expect((await res.json()).error).toMatchObject({ type: "permission_error", code: "cross_origin_request" });
    res = await api.post("/api/console/v1/audio/transcriptions", {
      multipart: { model: "fake-whisper", file: { name: "a.wav", mimeType: "audio/wav", buffer: toneWav(1) } },
      headers: { origin: EVIL },
    });
    expect(res.status()).toBe(403);
    res = await api.post("/api/console/conversations", { data: JSON.stringify({ title: "x", model: "fake-chat", settings: {}, messages: [] }), headers: { origin: EVIL, "content-type": "text/plain" } });
    expect(res.status()).toBe(403);
    // Sec-Fetch-Site alone (a browser that sent no Origin) is enough to refuse.
    res = await api.post("/api/console/v1/chat/completions", { data: chat, headers: { "sec-fetch-site": "same-site" } });
    expect(res.status()).toBe(403);

    // From the console's own origin: the completion runs, a conversation is created and deleted.
    res = await api.post("/api/console/v1/chat/completions", { data: chat, headers: own });
    expect(res.status()).toBe(200);
    res = await api.post("/api/console/conversations", { data: { title: "kept", model: "fake-chat", settings: {}, messages: [] }, headers: own });
    expect(res.status()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    // A body the browser could send without asking first is refused even from the console's origin.
    res = await api.post("/api/console/conversations", { data: JSON.stringify({ title: "x", model: "fake-chat", settings: {}, messages: [] }), headers: { ...own, "content-type": "text/plain" } });
    expect(res.status()).toBe(415);

    res = await api.delete(`/api/console/conversations/${id}`, { headers: { origin: EVIL } });
    expect(res.status()).toBe(403);
    expect(await conversationIds(api)).toContain(id);
    res = await api.delete(`/api/console/conversations/${id}`, { headers: own });
    expect(res.status()).toBe(204);
    expect(await conversationIds(api)).toEqual(before);
  });

  test("a page on another port of the same host cannot create a conversation with the user's cookie", async ({ page }) => {
    await signInAsAdmin(page);
    const before = await conversationIds(page.request);
    // Same site (127.0.0.1), other origin: SameSite=Lax lets the cookie go along.
    await page.goto(`${FAKE_BACKEND_URL}/__requests`);
    await page.evaluate(async (base) => {
      const body = JSON.stringify({ title: "forged", model: "fake-chat", settings: {}, messages: [] });
      await fetch(`${base}/api/console/conversations`, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body });
      const form = new FormData();
      form.append("model", "fake-whisper");
      form.append("file", new Blob([new Uint8Array(64)], { type: "audio/wav" }), "a.wav");
      await fetch(`${base}/api/console/v1/audio/transcriptions`, { method: "POST", mode: "no-cors", credentials: "include", body: form });
    }, BASE_URL);
    expect(await conversationIds(page.request)).toEqual(before);
  });

  test("a server action from another origin is refused with 403 and signs nobody in, even with a forged X-Forwarded-Host", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/login");
    let status = 0;
    // The sign-in form's own request, as a forger would replay it.
    await page.route("**/login**", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      const response = await route.fetch({ headers: { ...route.request().headers(), origin: EVIL, "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" } });
      status = response.status();
      expect(response.headers()["set-cookie"] ?? "").not.toContain("session-token");
      await route.fulfill({ response });
    });
    await page.getByTestId("login-email").fill(ADMIN.email);
    await page.getByTestId("login-password").fill(ADMIN.password);
    await page.getByTestId("login-submit").click();
    await expect.poll(() => status).toBe(403);
    expect((await context.cookies()).map((c) => c.name).filter((n) => n.includes("session-token"))).toEqual([]);
    await context.close();
  });

  test("redirects to sign-in point at the public address, never at the address the server is bound to", async ({ request }) => {
    const res = await request.get("/chat", { maxRedirects: 0, headers: { "x-forwarded-host": "evil.example" } });
    expect(res.status()).toBeGreaterThanOrEqual(300);
    expect(res.status()).toBeLessThan(400);
    const location = res.headers()["location"]!;
    expect(location).not.toContain("0.0.0.0");
    expect(location).not.toContain("evil.example");
    expect(new URL(location, BASE_URL).origin).toBe(BASE_URL);
  });
});

test.describe("sessions that end", () => {
  test("a saved session token is dead after sign-out", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAsAdmin(page);
    const saved = await context.storageState();
    const cookie = saved.cookies.find((c) => c.name.includes("session-token"))!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Lax");
    // Inactivity ends a session after 12 hours unless configured otherwise; each request renews it.
    const hours = (cookie.expires * 1000 - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11.5);
    expect(hours).toBeLessThanOrEqual(12.01);

    const copy = await browser.newContext({ storageState: saved });
    expect((await copy.request.get("/api/console/conversations")).status()).toBe(200);
    expect((await copy.request.get("/", { maxRedirects: 0 })).status()).toBe(200);

    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/login/);

    const res = await copy.request.get("/api/console/conversations");
    expect(res.status()).toBe(401);
    expect((await res.json()).error.code).toBe("not_signed_in");
    const home = await copy.request.get("/", { maxRedirects: 0 });
    expect(home.status()).toBe(307);
    expect(home.headers()["location"]).toMatch(/\/login/);
    await copy.close();
    await context.close();
  });

  test("a new password ends the sessions opened with the old one", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAsAdmin(page, MEMBER);
    expect((await context.request.get("/api/console/conversations")).status()).toBe(200);
    llmaas("user", "password", "--email", MEMBER.email, "--password", "member password 2");
    expect((await context.request.get("/api/console/conversations")).status()).toBe(401);
    llmaas("user", "password", "--email", MEMBER.email, "--password", MEMBER.password);
    await context.close();
  });
});
