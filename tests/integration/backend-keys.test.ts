import { afterAll, beforeAll, expect, it } from "vitest";
import { findBackendByName, insertBackend, linkModelToBackend, upsertModel } from "@/db/queries/backends";
import { resealBackendKeys } from "@/lib/backends/registry";
import { describeEachDriver } from "@/tests/support/databases";
import { type FakeBackend, startFakeOpenAI } from "@/tests/support/fake-openai";
import { type TestServer, createTenant, startGatewayServer } from "@/tests/support/gateway";

/* Backends' API keys are stored sealed; one stored plain (from before encryption) still works and is sealed at start. */

describeEachDriver("backends' API keys at rest", () => {
  let fake: FakeBackend;
  let server: TestServer;
  let secret: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ machine: "keyed" });
    // As an older version stored it: plain text.
    const b = await insertBackend({ name: "legacy", engine: "openai", baseUrl: fake.url, machineName: "m", apiKey: "sk-legacy-plain-key-123", enabled: true });
    await upsertModel({ id: "legacy-model", aliases: [], capabilities: ["chat"], maxModelLen: 4096, description: "", ownedBy: "llmaas" });
    await linkModelToBackend({ modelId: "legacy-model", backendId: b.id, upstreamId: "echo" });
    server = await startGatewayServer();
    ({ secret } = await createTenant());
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  const chat = () =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "legacy-model", messages: [{ role: "user", content: "hi" }], max_tokens: 2 }),
    });

  it("a plain stored key still reaches the backend, and is sealed at start", async () => {
    expect((await chat()).status).toBe(200);
    expect(fake.requests.at(-1)!.headers.authorization).toBe("Bearer sk-legacy-plain-key-123");

    expect(await resealBackendKeys()).toBe(1);
    expect(await resealBackendKeys()).toBe(0);
    const row = await findBackendByName({ name: "legacy" });
    expect(row!.apiKey).toMatch(/^enc:v1:/);
    expect(row!.apiKey).not.toContain("sk-legacy-plain-key-123");

    await server.runtime.gateway.options.catalogue.refresh();
    expect((await chat()).status).toBe(200);
    expect(fake.requests.at(-1)!.headers.authorization).toBe("Bearer sk-legacy-plain-key-123");
  });
});
