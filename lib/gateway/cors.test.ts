import { describe, expect, it } from "vitest";
import { corsHeaders, parseCorsOrigins, preflight } from "./cors";

describe("cross-origin access", () => {
  it("reads the setting", () => {
    expect(parseCorsOrigins("*")).toBe("*");
    expect(parseCorsOrigins("none")).toBeNull();
    expect(parseCorsOrigins(" ")).toBeNull();
    expect(parseCorsOrigins("https://a.example/, https://b.example")).toEqual(["https://a.example", "https://b.example"]);
  });

  it("allows only the listed origins, naming them back", () => {
    const policy = parseCorsOrigins("https://app.example");
    expect(corsHeaders(policy, "https://app.example")).toMatchObject({ "access-control-allow-origin": "https://app.example", vary: "Origin" });
    expect(corsHeaders(policy, "https://evil.example")).toEqual({});
    expect(corsHeaders(policy, null)).toEqual({});
    expect(corsHeaders(null, "https://app.example")).toEqual({});
  });

  it("answers a preflight from an origin it does not allow without granting anything", () => {
    const req = new Request("http://gw/v1/models", { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
    const res = preflight(["https://app.example"], req);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-headers")).toBeNull();
  });
});
