import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ChatOpenAI } from "@langchain/openai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, closeDatabase, openEmbedded, setDatabase } from "@/db/client";
import { findUsageByRequestIdForPlatform } from "@/db/queries/usage";
import { openScratchPg } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { createTenant, registerBackend } from "@/tests/support/gateway";
import { type Instance, startInstance } from "@/tests/support/instance";

const run = promisify(execFile);

const setups = [
  {
    name: "postgres",
    async start() {
      const db = await openScratchPg();
      setDatabase(db);
      return { env: { DATABASE_URL: db.url }, db, cleanup: async () => {} };
    },
  },
  {
    name: "embedded",
    async start() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmaas-instance-"));
      return {
        env: { LLMAAS_DATA_DIR: dir },
        db: null as Database | null,
        dir,
        cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];

for (const setup of setups) {
  describe(`npm start's server as a process [${setup.name}]`, () => {
    let fake: FakeBackend;
    let instance: Instance;
    let secret: string;
    let cleanup: () => Promise<void>;
    let dataDir: string | undefined;

    beforeAll(async () => {
      fake = await startFakeOpenAI({ machine: "proc" });
      const s = await setup.start();
      cleanup = s.cleanup;
      instance = await startInstance(s.env);
      // The warning for a catalogue with no chat model is written once the catalogue is read: wait for it before
      // registering one, or a slow start reads the catalogue after the model is there and has nothing to warn of.
      for (const until = Date.now() + 60_000; !/no model can answer a chat yet/.test(instance.logs.join("")) && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      dataDir = (s as { dir?: string }).dir;
      if (!s.db) {
        // The running server owns the embedded database; this process reaches it through its socket.
        setDatabase(await openEmbedded((s as { dir: string }).dir));
      }
      await registerBackend("proc", fake.url, [{ id: "chat-model", upstream: "echo" }, { id: "slow-model", upstream: "slow" }]);
      ({ secret } = await createTenant());
    }, 90_000);

    afterAll(async () => {
      await instance?.stop("SIGKILL");
      await closeDatabase();
      await fake.close();
      await cleanup?.();
    });

    it("says in one line where it answers, and warns while no model can chat", async () => {
      await expect.poll(() => instance.logs.join("")).toContain(`llmaas API ready at ${instance.url}/v1 (no console on this instance)`);
      expect(instance.logs.join("")).toMatch(/no model can answer a chat yet: copy a GGUF file into \S*models/);
    });

    it("answers health and keeps console paths out of an API-only instance", async () => {
      const health = await fetch(`${instance.url}/api/health`);
      expect(health.status).toBe(200);
      expect((await health.json()).database.status).toBe("ok");
    });

    it("works with curl", async () => {
      const { stdout } = await run("curl", [
        "-sS",
        "-X",
        "POST",
        `${instance.url}/v1/chat/completions`,
        "-H",
        "Content-Type: application/json",
        "-H",
        `Authorization: Bearer ${secret}`,
        "-d",
        JSON.stringify({ model: "chat-model", messages: [{ role: "user", content: "Bonjour curl" }], max_tokens: 200, temperature: 0.7 }),
      ]);
      const body = JSON.parse(stdout);
      expect(body.choices, stdout).toBeDefined();
      expect(body.choices[0].message.content).toContain("proc says: Bonjour");
      expect(body.backend.machine_name).toBe("proc-machine");
      const { stdout: streamed } = await run("curl", [
        "-sSN",
        `${instance.url}/v1/chat/completions`,
        "-H",
        "Content-Type: application/json",
        "-H",
        `Authorization: Bearer ${secret}`,
        "-d",
        JSON.stringify({ model: "chat-model", messages: [{ role: "user", content: "x" }], stream: true }),
      ]);
      expect(streamed.trim().endsWith("data: [DONE]")).toBe(true);
    });

    it("works with LangChain's ChatOpenAI, invoke and stream", async () => {
      const chat = new ChatOpenAI({ apiKey: secret, configuration: { baseURL: `${instance.url}/v1` }, model: "chat-model", maxTokens: 200, maxRetries: 0 });
      const r = await chat.invoke("Expliquez l'IA en 3 phrases");
      expect(String(r.content)).toContain("Expliquez");
      let streamed = "";
      for await (const c of await chat.stream("stream please")) streamed += String(c.content);
      expect(streamed).toContain("proc says: stream");
    });

    it("drains in-flight streams on SIGTERM and writes their usage before exiting", async () => {
      const client = new OpenAI({ apiKey: secret, baseURL: `${instance.url}/v1`, maxRetries: 0 });
      const { data: stream, response } = await client.chat.completions
        .create({ model: "slow-model", messages: [{ role: "user", content: "go" }], stream: true, fake: { tokens: 20, delayMs: 30 } } as never)
        .withResponse();
      const id = response.headers.get("id")!;
      const chunks = (stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>)[Symbol.asyncIterator]();
      expect((await chunks.next()).done).toBe(false);
      const exit = instance.stop("SIGTERM");
      let text = "";
      for (let c = await chunks.next(); !c.done; c = await chunks.next()) text += c.value.choices[0]?.delta?.content ?? "";
      expect(text.length).toBeGreaterThan(10);
      expect(await exit).toBe(0);
      if (setup.name === "embedded") {
        // The server is gone: its folder is now ours to open.
        await closeDatabase();
        setDatabase(await openEmbedded(dataDir!));
      }
      const [row] = await findUsageByRequestIdForPlatform({ requestId: id });
      expect(row).toMatchObject({ status: 200, completionTokens: 20, clientAborted: false, streamed: true });
    });
  });
}
