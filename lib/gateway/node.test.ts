import { describe, expect, it } from "vitest";
import { requestTarget } from "./node";

/** What the URL parser makes of a request (the listener's reading before its fast path), or null when it throws. */
function parsed(host: string, target: string): string | null {
  try {
    return new URL(`http://${host}${target}`).pathname;
  } catch {
    return null;
  }
}

function read(host: string, target: string): string | null {
  try {
    return requestTarget(host, target).pathname;
  } catch {
    return null;
  }
}

describe("requestTarget", () => {
  it("reads a plain request without the URL parser, and the rest with it", () => {
    expect(requestTarget("localhost:3000", "/v1/chat/completions")).toEqual({ pathname: "/v1/chat/completions" });
    expect(requestTarget("api.example.com", "/v1/files?limit=2&after=file-1")).toEqual({ pathname: "/v1/files" });
    // Dot segments and escapes: as the parser reads them.
    expect(requestTarget("localhost", "/v1/x/../models")).toEqual({ pathname: "/v1/models", href: "http://localhost/v1/models" });
    expect(requestTarget("localhost", "/v1/models/a%2Fb").pathname).toBe("/v1/models/a%2Fb");
  });

  it("refuses a Host header no URL can hold, on either path", () => {
    for (const host of ["1.2.3.256", "localhost:65536", "a b", "[::1", "xn--zz"]) expect(read(host, "/v1/models"), host).toBe(parsed(host, "/v1/models"));
    expect(read("1.2.3.256", "/v1/models")).toBeNull();
    expect(read("localhost:65536", "/v1/models")).toBeNull();
  });

  it("reads every request as the URL parser does (hosts, ports, paths and queries of every kind of character)", () => {
    const pathChars = "abcXYZ019-._~/%?#:@!$&'()*+,;=[] \\\"<>^`{|}é";
    const hostChars = "ab1.9-:x0_[]";
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = (chars: string, max: number) => Array.from({ length: 1 + random(max) }, () => chars[random(chars.length)]).join("");
    const hosts = ["localhost", "localhost:3000", "127.0.0.1:65535", "10.0.0.1", "999", "1.2.3", "EXAMPLE.com", "a_b.com", "host.", "-a.com", "a..b"];
    const paths = ["/v1/chat/completions", "/v1/models/llama-3.1-8b", "/v1/../v2", "/v1/./x", "/v1/a%20b", "/v1/", "/v1", "/v1/a..b", "/v1/x?q=a#f", "/v1//x", "/v1/x?q='a'"];
    for (const h of hosts) for (const t of paths) expect(read(h, t), `${h} ${t}`).toBe(parsed(h, t));
    for (let i = 0; i < 50_000; i++) {
      const host = pick(hostChars, 10);
      const target = `/${pick(pathChars, 14)}`;
      expect(read(host, target), `${host} ${target}`).toBe(parsed(host, target));
    }
  });
});
