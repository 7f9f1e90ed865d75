import { describe, expect, it } from "vitest";
import { isSameOrigin, pinForwardedHeaders } from "./origin";

const h = (values: Record<string, string>) => new Headers(values);

describe("isSameOrigin", () => {
  it("accepts the console's own pages and programs that send no browser headers", () => {
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }), undefined)).toBe(true);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000" }), undefined)).toBe(true);
    expect(isSameOrigin(h({ host: "llm.example.com", origin: "https://llm.example.com" }), "https://llm.example.com/")).toBe(true);
  });

  it("refuses another site, a sibling port or subdomain, and opaque origins", () => {
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", origin: "http://evil.example" }), undefined)).toBe(false);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3001" }), undefined)).toBe(false);
    expect(isSameOrigin(h({ host: "llm.example.com", origin: "https://docs.example.com" }), "https://llm.example.com")).toBe(false);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", origin: "null" }), undefined)).toBe(false);
    // A browser that says where it came from without an Origin header (a navigation's form post).
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", "sec-fetch-site": "same-site" }), undefined)).toBe(false);
    expect(isSameOrigin(h({ host: "127.0.0.1:3000", "sec-fetch-site": "cross-site" }), undefined)).toBe(false);
  });

  it("trusts forwarded headers only when no public URL is set", () => {
    const forged = h({ host: "127.0.0.1:3000", origin: "http://evil.example", "x-forwarded-host": "evil.example" });
    expect(isSameOrigin(forged, undefined)).toBe(true);
    expect(isSameOrigin(forged, "http://127.0.0.1:3000")).toBe(false);
    // The scheme counts too once it is known.
    expect(isSameOrigin(h({ host: "llm.example.com", origin: "http://llm.example.com" }), "https://llm.example.com")).toBe(false);
  });
});

describe("pinForwardedHeaders", () => {
  it("replaces what a client says about host and scheme with the public URL", () => {
    const headers: Record<string, string | string[] | undefined> = { host: "0.0.0.0:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http", "x-forwarded-port": "1" };
    pinForwardedHeaders(headers, "https://llm.example.com");
    expect(headers).toEqual({ host: "0.0.0.0:3000", "x-forwarded-host": "llm.example.com", "x-forwarded-proto": "https" });
  });

  it("leaves them alone without a public URL", () => {
    const headers = { "x-forwarded-host": "proxy.example" };
    pinForwardedHeaders(headers, undefined);
    expect(headers).toEqual({ "x-forwarded-host": "proxy.example" });
  });
});
