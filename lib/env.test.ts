import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("applies defaults", () => {
    const e = parseEnv({});
    expect(e.PORT).toBe(3000);
    expect(e.LLMAAS_DATA_DIR).toBe(".data");
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.LLMAAS_TIMEZONE).toBe("UTC");
  });

  it("puts the embedded engine's models in the data folder unless told otherwise", () => {
    expect(parseEnv({}).LLMAAS_MODELS_DIR).toBe(".data/models");
    expect(parseEnv({ LLMAAS_DATA_DIR: "/srv/llmaas/" }).LLMAAS_MODELS_DIR).toBe("/srv/llmaas/models");
    expect(parseEnv({ LLMAAS_DATA_DIR: "/srv/llmaas", LLMAAS_MODELS_DIR: "/models" }).LLMAAS_MODELS_DIR).toBe("/models");
    expect(parseEnv({}).LLMAAS_ENGINE_THREADS).toBe(1);
    expect(() => parseEnv({ LLMAAS_ENGINE_PARALLEL: "0" })).toThrow(/LLMAAS_ENGINE_PARALLEL/);
  });

  it("reads the console session's idle timeout as a duration, 12 hours by default", () => {
    expect(parseEnv({}).LLMAAS_SESSION_IDLE_TIMEOUT).toBe(12 * 3_600_000);
    expect(parseEnv({ LLMAAS_SESSION_IDLE_TIMEOUT: "30m" }).LLMAAS_SESSION_IDLE_TIMEOUT).toBe(30 * 60_000);
    expect(() => parseEnv({ LLMAAS_SESSION_IDLE_TIMEOUT: "forever" })).toThrow(/LLMAAS_SESSION_IDLE_TIMEOUT/);
    expect(() => parseEnv({ LLMAAS_PUBLIC_URL: "ftp://llm.example.com" })).toThrow(/LLMAAS_PUBLIC_URL/);
  });

  it("treats empty variables as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  it("names the bad setting", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => parseEnv({ LLMAAS_TIMEZONE: "Mars/Base" })).toThrow(/LLMAAS_TIMEZONE/);
    expect(() => parseEnv({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET/);
  });
});
