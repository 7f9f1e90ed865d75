import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listModels } from "@/lib/models/manage";
import { resetEnv } from "@/lib/env";
import { authenticateSecret } from "@/lib/keys/cache";
import { TINY_GGUF } from "@/tests/support/models";
import { startSlowFileServer } from "@/tests/support/slow-file-server";
import { describeEachDriver } from "@/tests/support/databases";
import { main } from "./main";

async function run(...args: string[]) {
  let out = "";
  let err = "";
  const code = await main(["node", "llmaas", ...args], { out: (s) => (out += s), err: (s) => (err += s) }, { manageDatabase: false });
  return { code, out, err };
}

describeEachDriver("llmaas CLI", () => {
  it("pulls a model over a dropped connection into the models folder and registers it", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "llmaas-cli-pull-"));
    const saved = process.env.LLMAAS_MODELS_DIR;
    process.env.LLMAAS_MODELS_DIR = dir;
    resetEnv();
    const server = await startSlowFileServer({ file: TINY_GGUF, name: "story.gguf", delayMs: 1 });
    try {
      const bad = await run("model", "pull", `${server.url}/story.gguf`, "--sha256", "f".repeat(64));
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/\nerror: The file's SHA-256 is [0-9a-f]{64}, not the expected f{64}: it was discarded\n$/);
      const good = await run("model", "pull", `${server.url}/story.gguf`, "--sha256", "476a2cb7ee1dad1b15807f6024164684b88a761ccfd0c2cfffb187898bbca5fe");
      expect(good.code, good.err).toBe(0);
      expect(good.out).toContain("saved story.gguf (1054272 bytes, sha256 476a2cb7");
      expect(good.err).toMatch(/100% 1\.1 MB of 1\.1 MB/);
      expect(await fs.readdir(dir)).toEqual(["story.gguf"]);
      expect((await listModels()).find((m) => m.id === "story")?.backends.map((b) => b.name)).toEqual(["embedded"]);
    } finally {
      // The other tests of this database count models and backends.
      for (const id of ["story", "espeak-ng"]) await run("model", "remove", "--id", id);
      await run("backend", "remove", "--name", "embedded");
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
      if (saved === undefined) delete process.env.LLMAAS_MODELS_DIR;
      else process.env.LLMAAS_MODELS_DIR = saved;
      resetEnv();
    }
  });

  it("creates an account, a user and a key that authenticates", async () => {
    expect((await run("account", "create", "--name", "Acme", "--tier", "Tier 2")).code).toBe(0);
    const u = await run("user", "create", "--email", "Ana@Acme.test", "--password", "s3cret-pass", "--account", "Acme", "--role", "admin");
    expect(u.code, u.err).toBe(0);
    const k = await run("key", "create", "--email", "ana@acme.test", "--name", "ci", "--models", "m1,m2", "--expires", "30d");
    expect(k.code, k.err).toBe(0);
    const secret = k.out.trimEnd().split("\n").at(-1)!;
    expect(secret).toMatch(/^sk-llmaas-[A-Za-z0-9_-]{32}$/);
    const key = await authenticateSecret(secret);
    expect(key?.allowedModels).toEqual(["m1", "m2"]);
    expect(key?.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const list = await run("key", "list", "--email", "ana@acme.test");
    expect(list.out).toContain("ci");
    expect(list.out).not.toContain(secret);
    expect(list.out).toContain(secret.slice(0, 16));

    const id = /\(([0-9a-f-]{36})\)/.exec(k.out)![1]!;
    expect((await run("key", "revoke", "--id", id)).code).toBe(0);
    expect(await authenticateSecret(secret)).toBeNull();
    expect((await run("key", "list", "--json")).out).toContain('"revoked');
  });

  it("disables a user, revoking their keys, and enables them again", async () => {
    await run("account", "create", "--name", "Gamma");
    await run("user", "create", "--email", "leaver@gamma.test", "--password", "s3cret-pass", "--account", "Gamma");
    await run("user", "create", "--email", "stayer@gamma.test", "--password", "s3cret-pass", "--account", "Gamma");
    const secretOf = (out: string) => out.trimEnd().split("\n").at(-1)!;
    const leaving = secretOf((await run("key", "create", "--email", "leaver@gamma.test", "--name", "a")).out);
    const leaving2 = secretOf((await run("key", "create", "--email", "leaver@gamma.test", "--name", "b")).out);
    const staying = secretOf((await run("key", "create", "--email", "stayer@gamma.test", "--name", "c")).out);
    expect(await authenticateSecret(leaving)).not.toBeNull();

    const off = await run("user", "disable", "--email", "Leaver@Gamma.test");
    expect(off.code, off.err).toBe(0);
    expect(off.out).toBe("disabled leaver@gamma.test; revoked 2 keys\n");
    expect(await authenticateSecret(leaving)).toBeNull();
    expect(await authenticateSecret(leaving2)).toBeNull();
    expect(await authenticateSecret(staying)).not.toBeNull();
    const listed = JSON.parse((await run("user", "list", "--account", "Gamma", "--json")).out) as { email: string; status: string }[];
    expect(listed.map((u) => [u.email, u.status])).toEqual([
      ["leaver@gamma.test", "disabled"],
      ["stayer@gamma.test", "active"],
    ]);
    const refused = await run("key", "create", "--email", "leaver@gamma.test", "--name", "d");
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain("is disabled");

    expect((await run("user", "enable", "--email", "leaver@gamma.test")).out).toBe("enabled leaver@gamma.test\n");
    // Revoked keys stay revoked; new ones work.
    expect(await authenticateSecret(leaving)).toBeNull();
    const fresh = secretOf((await run("key", "create", "--email", "leaver@gamma.test", "--name", "e")).out);
    expect(await authenticateSecret(fresh)).not.toBeNull();
    expect((await run("user", "disable", "--email", "nobody@gamma.test")).code).not.toBe(0);
  });

  it("manages backends, models, tiers and credit", async () => {
    await run("account", "create", "--name", "Beta");
    expect((await run("backend", "add", "--name", "gpu1", "--engine", "openai", "--url", "http://gpu1:8000/v1/", "--machine", "ma01", "--api-key", "upstream-secret")).code).toBe(0);
    const backends = await run("backend", "list");
    expect(backends.out).toContain("http://gpu1:8000/v1");
    expect(backends.out).not.toContain("upstream-secret");
    const m = await run("model", "add", "--id", "granite3.3:8b", "--backend", "gpu1", "--aliases", "granite", "--capabilities", "chat,tools", "--max-model-len", "60000");
    expect(m.code, m.err).toBe(0);
    const models = JSON.parse((await run("model", "list", "--json")).out);
    expect(models[0]).toMatchObject({ id: "granite3.3:8b", aliases: ["granite"], capabilities: ["chat", "tools"], maxModelLen: 60000 });
    expect((await run("tier", "assign", "--account", "Beta", "--tier", "Tier 3")).out).toContain("Tier 3");
    expect((await run("credit", "add", "--account", "Beta", "--amount", "200")).out).toContain("balance 200.00 €");
    expect((await run("credit", "add", "--account", "Beta", "--amount", "0.05")).out).toContain("balance 200.05 €");
    expect((await run("credit", "balance", "--account", "Beta")).out.trim()).toBe("200.05 €");
    expect((await run("backend", "remove", "--name", "gpu1")).code).toBe(0);
  });

  it("fails with a one-line reason and a non-zero exit", async () => {
    const cases = [
      ["user", "create", "--email", "x@y.z", "--password", "longenough", "--account", "Nope"],
      ["user", "create", "--email", "not-an-email", "--password", "longenough", "--account", "Acme"],
      ["user", "create", "--email", "short@pw.test", "--password", "short", "--account", "Acme"],
      ["account", "create", "--name", "Acme"],
      ["tier", "assign", "--account", "Acme", "--tier", "Tier 9"],
      ["key", "create", "--email", "nobody@x.test", "--name", "k"],
      ["key", "create", "--email", "ana@acme.test", "--name", "k", "--expires", "soon"],
      ["key", "revoke", "--id", "nope"],
      ["backend", "add", "--name", "b", "--engine", "tgi", "--url", "http://x", "--machine", "m"],
      ["model", "add", "--id", "x", "--backend", "missing"],
      ["credit", "add", "--account", "Acme", "--amount", "-3"],
      ["frobnicate"],
    ];
    for (const args of cases) {
      const r = await run(...args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.err.trim().split("\n").filter((l) => !l.startsWith("(add --help")).length, args.join(" ")).toBe(1);
    }
  });

  it("prints help for every command", async () => {
    for (const args of [["--help"], ["key", "--help"], ["key", "create", "--help"], ["model", "add", "--help"]]) {
      const r = await run(...args);
      expect(r.code).toBe(0);
      expect(r.out).toContain("Usage:");
    }
  });
});

describeEachDriver("llmaas CLI: tiers, key limits, budgets, ledger", () => {
  it("creates and edits tiers, sets limits and prints the month's ledger", async () => {
    expect((await run("tier", "create", "--name", "Team", "--credit", "50", "--monthly-limit", "300", "--tokens-per-hour", "1000", "--rpm", "60")).code).toBe(0);
    expect((await run("tier", "update", "--name", "Team", "--tokens-per-day", "none", "--monthly-limit", "none")).code).toBe(0);
    const tiers = JSON.parse((await run("tier", "list", "--json")).out) as { name: string; monthlyLimitNanos: string | null; outputTokensPerHour: number; requestsPerMinute: number }[];
    expect(tiers.find((t) => t.name === "Team")).toMatchObject({ monthlyLimitNanos: null, outputTokensPerHour: 1000, requestsPerMinute: 60 });
    expect((await run("tier", "update", "--name", "Nope", "--rpm", "5")).code).toBe(1);

    await run("account", "create", "--name", "Gamma", "--tier", "Team");
    await run("user", "create", "--email", "g@gamma.test", "--password", "password-g", "--account", "Gamma");
    const k = await run("key", "create", "--email", "g@gamma.test", "--name", "limited");
    const id = /\(([0-9a-f-]{36})\)/.exec(k.out)![1]!;
    const secret = k.out.trimEnd().split("\n").at(-1)!;
    expect((await run("key", "limits", "--id", id, "--models", "a,b", "--monthly-budget", "12.5", "--tokens-per-hour", "500", "--expires", "7d")).code).toBe(0);
    const key = await authenticateSecret(secret);
    expect(key).toMatchObject({ allowedModels: ["a", "b"], monthlyBudgetNanos: 12_500_000_000n, outputTokensPerHour: 500 });
    expect((await run("key", "limits", "--id", id, "--models", "all", "--monthly-budget", "none", "--expires", "never")).code).toBe(0);
    expect(await authenticateSecret(secret)).toMatchObject({ allowedModels: null, monthlyBudgetNanos: null, expiresAt: null });
    expect((await run("key", "limits", "--id", id, "--tokens-per-hour", "-3")).code).toBe(1);

    expect((await run("account", "budget", "--account", "Gamma", "--monthly", "100")).code).toBe(0);
    expect((await run("account", "budget", "--account", "Gamma", "--monthly", "none")).code).toBe(0);
    await run("credit", "add", "--account", "Gamma", "--amount", "50", "--note", "invoice 42");
    const ledger = await run("ledger", "--account", "Gamma");
    expect(ledger.code, ledger.err).toBe(0);
    expect(ledger.out).toContain("invoice 42");
    expect(ledger.out).toContain("credits 50.00 €");
    const exact = JSON.parse((await run("ledger", "--account", "Gamma", "--json")).out) as { account: string; entries: { note: string }[]; totals: Record<string, string> };
    expect(exact).toMatchObject({ account: "Gamma", totals: { creditsNanos: "50000000000", usageNanos: "0", adjustmentsNanos: "0" } });
    expect(exact.entries.map((e) => e.note)).toContain("invoice 42");
    expect((await run("ledger", "--account", "Gamma", "--month", "May")).code).toBe(1);
  });
});
