import { describe, expect, it } from "vitest";
import { apiHeaders, pageCsp, pageHeaders, permissionsPolicy } from "./headers";

describe("security headers", () => {
  it("gives pages a nonce-based policy that forbids framing, plugins and foreign forms", () => {
    const csp = pageCsp({ nonce: "abc", https: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    for (const d of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"]) expect(csp).toContain(d);
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(pageCsp({ nonce: "abc", https: true })).toContain("upgrade-insecure-requests");
  });

  it("lets only the transcription page use the microphone", () => {
    expect(permissionsPolicy("/transcribe")).toContain("microphone=(self)");
    expect(permissionsPolicy("/chat")).toContain("microphone=()");
    expect(permissionsPolicy("/transcribers")).toContain("microphone=()");
  });

  it("sends HSTS only over https", () => {
    expect(pageHeaders({ path: "/", nonce: "n", https: true })["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(pageHeaders({ path: "/", nonce: "n", https: false })["strict-transport-security"]).toBeUndefined();
    expect(apiHeaders({ https: false })).toMatchObject({ "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; frame-ancestors 'none'" });
  });
});
