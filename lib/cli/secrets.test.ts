import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { findBackendByName } from "@/db/queries/backends";
import { findUserByEmail } from "@/db/queries/users";
import { verifyPassword } from "@/lib/passwords";
import { describeEachDriver } from "@/tests/support/databases";
import { main } from "./main";
import type { SecretInput } from "./secrets";

const root = path.resolve(import.meta.dirname, "../..");

/** Run the CLI with a fake terminal: what standard input holds, whether it is a terminal, what the prompt answers. */
async function run(args: string[], input: Partial<SecretInput> & { asked?: string[] } = {}) {
  let out = "";
  let err = "";
  const asked = input.asked ?? [];
  const fake: SecretInput = {
    interactive: input.interactive ?? false,
    readStdin: input.readStdin ?? (async () => ""),
    askHidden: async (q) => {
      asked.push(q);
      return input.askHidden ? input.askHidden(q) : "";
    },
  };
  const code = await main(["node", "llmaas", ...args], { out: (s) => (out += s), err: (s) => (err += s), input: fake }, { manageDatabase: false });
  return { code, out, err, asked };
}

describeEachDriver("CLI secrets kept out of the command line", () => {
  it("takes a password from standard input, the environment or a hidden prompt", async () => {
    expect((await run(["account", "create", "--name", "Sec"])).code).toBe(0);
    const fromStdin = await run(["user", "create", "--email", "a@sec.test", "--password-stdin", "--account", "Sec"], { readStdin: async () => "stdin-pass-1\n" });
    expect(fromStdin.code, fromStdin.err).toBe(0);

    process.env.LLMAAS_PASSWORD = "env-pass-123";
    try {
      expect((await run(["user", "create", "--email", "b@sec.test", "--account", "Sec"])).code).toBe(0);
    } finally {
      delete process.env.LLMAAS_PASSWORD;
    }

    const prompted = await run(["user", "create", "--email", "c@sec.test", "--account", "Sec"], { interactive: true, askHidden: async () => "prompt-pass-1" });
    expect(prompted.code, prompted.err).toBe(0);
    expect(prompted.asked).toEqual(["Password: "]);


    for (const [email, password] of [["a@sec.test", "stdin-pass-1"], ["b@sec.test", "env-pass-123"], ["c@sec.test", "prompt-pass-1"]]) {
      const user = await findUserByEmail({ email: email! });
      expect(await verifyPassword(password!, user!.passwordHash), email).toBe(true);
    }

    const none = await run(["user", "create", "--email", "d@sec.test", "--account", "Sec"]);
    expect(none.code).toBe(1);
    expect(none.err.trim().split("\n")).toHaveLength(1);
    expect(none.err).toContain("a password is required");
  });

  it("takes a backend's key from standard input and stores it sealed", async () => {
    const r = await run(
      ["backend", "add", "--name", "sealed", "--engine", "openai", "--url", "http://gpu9:8000/v1", "--machine", "m", "--api-key-stdin"],
      { readStdin: async () => "sk-upstream-from-stdin\n" },
    );
    expect(r.code, r.err).toBe(0);
    const row = await findBackendByName({ name: "sealed" });
    expect(row!.apiKey).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(row!.apiKey).not.toContain("sk-upstream-from-stdin");
    expect((await run(["backend", "add", "--help"])).out).toContain("LLMAAS_BACKEND_API_KEY");
    expect((await run(["user", "create", "--help"])).out).toContain("--password-stdin, LLMAAS_PASSWORD");
  });
});

it("a missing database: one line saying what to do, exit 1", async () => {
  const result = await promisify(execFile)(process.execPath, ["bin/llmaas.mjs", "account", "list"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: "postgres://postgres@127.0.0.1:5432/llmaas_no_such_database" },
  }).then(
    () => ({ code: 0, stderr: "" }),
    (e: { code: number; stderr: string }) => e,
  );
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split("\n")).toEqual([
    'error: database "llmaas_no_such_database" does not exist: create it (createdb <name>) or correct the database name in DATABASE_URL',
  ]);
});
