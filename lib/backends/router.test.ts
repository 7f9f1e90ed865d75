import { describe, expect, it } from "vitest";
import { BackendRouter, type Target } from "./router";
import { type EngineAdapter, UpstreamUnavailable } from "./types";

const target = (id: string): Target => ({
  backend: { id, name: id, engine: "openai", baseUrl: "http://x", apiKey: null, machineName: id, enabled: true, timeoutMs: 1000 },
  upstreamId: "m",
});

function routerWith(call: EngineAdapter["call"]) {
  return new BackendRouter({ failureThreshold: 2, adapters: { openai: { call, probe: async () => {} } } });
}

const makeCall = () => ({ path: "/chat/completions", body: {}, stream: false, signal: new AbortController().signal });

describe("circuit breaker", () => {
  it("counts only the backend's faults: an error of the gateway's own never opens the circuit", async () => {
    const router = routerWith(async () => {
      throw new RangeError("Maximum call stack size exceeded");
    });
    for (let i = 0; i < 5; i++) await expect(router.dispatch([target("a")], makeCall)).rejects.toThrow(RangeError);
    expect(router.status("a")).toMatchObject({ circuit: "closed", inFlight: 0 });
  });

  it("opens on connection failures and 5xx answers", async () => {
    const down = routerWith(async () => {
      throw new UpstreamUnavailable("ECONNREFUSED");
    });
    for (let i = 0; i < 2; i++) expect(await down.dispatch([target("a")], makeCall)).toBeNull();
    expect(down.status("a").circuit).toBe("open");
    const failing = routerWith(async () => new Response("boom", { status: 500 }));
    for (let i = 0; i < 2; i++) (await failing.dispatch([target("b")], makeCall))!.release();
    expect(failing.status("b").circuit).toBe("open");
  });

  it("a 4xx is the request's fault: the circuit stays closed", async () => {
    const router = routerWith(async () => new Response("no", { status: 400 }));
    for (let i = 0; i < 5; i++) (await router.dispatch([target("a")], makeCall))!.release();
    expect(router.status("a").circuit).toBe("closed");
  });
});
