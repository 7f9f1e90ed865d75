import { OpenAIEmbeddings } from "@langchain/openai";
import { CohereClient, CohereClientV2 } from "cohere-ai";
import { Tiktoken } from "js-tiktoken/lite";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUsageByRequestIdForPlatform } from "@/db/queries/usage";
import { describeEachDriver } from "@/tests/support/databases";
import { fakeScore, fakeVector, startFakeModalities } from "@/tests/support/fake-modalities";
import { startFakeOllama } from "@/tests/support/fake-ollama";
import { type TestServer, createTenant, registerBackend, startGatewayServer } from "@/tests/support/gateway";

const enc = new Tiktoken(cl100k);

const DOCUMENTS = [
  "Paris est la capitale et la plus grande ville de France.",
  "Lyon est une grande ville du sud-est de la France.",
  "La France est un pays d'Europe occidentale.",
];
const QUERY = "Quelle est la capitale de la France ?";

describeEachDriver("gateway: embeddings and rerank", () => {
  let vllm: Awaited<ReturnType<typeof startFakeModalities>>;
  let tei: Awaited<ReturnType<typeof startFakeModalities>>;
  let ollama: Awaited<ReturnType<typeof startFakeOllama>>;
  let server: TestServer;
  let client: OpenAI;
  let secret: string;

  beforeAll(async () => {
    vllm = await startFakeModalities({ flavor: "openai" });
    tei = await startFakeModalities({ flavor: "tei" });
    ollama = await startFakeOllama();
    await registerBackend("vllm-emb", vllm.url, [
      { id: "granite-embedding:278m", upstream: "embed", capabilities: ["embeddings"] },
      { id: "matryoshka", upstream: "embed-dims", capabilities: ["embeddings"] },
      { id: "quiet-embedder", upstream: "nousage", capabilities: ["embeddings"] },
      { id: "picky-embedder", upstream: "reject400", capabilities: ["embeddings"] },
      { id: "chat-only", upstream: "echo", capabilities: ["chat"] },
      { id: "nemotron-rerank", upstream: "rerank", capabilities: ["rerank"] },
      { id: "broken-rerank", upstream: "fail500", capabilities: ["rerank"] },
    ]);
    await registerBackend("tei", tei.url, [
      { id: "bge-reranker", upstream: "bge", capabilities: ["rerank"] },
      { id: "tei-embedder", upstream: "bge-m3", capabilities: ["embeddings"] },
    ]);
    await registerBackend("ollama-emb", ollama.url, [{ id: "nomic", upstream: "nomic-embed-text", capabilities: ["embeddings"] }], "ollama");
    server = await startGatewayServer();
    await server.runtime.gateway.options.catalogue.refresh();
    ({ secret } = await createTenant());
    client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await server.close();
    await Promise.all([vllm.close(), tei.close(), ollama.close()]);
  });

  const usageRow = async (requestId: string) => {
    await server.runtime.gateway.idle();
    await server.runtime.gateway.options.recorder.flush();
    const [row] = await findUsageByRequestIdForPlatform({ requestId });
    return row!;
  };

  const post = (path: string, body: unknown, key = secret) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  const decodeBase64 = (s: string) => {
    const b = Buffer.from(s, "base64");
    return Array.from(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
  };

  describe("embeddings", () => {
    it("answers the openai SDK, which asks for base64 by default", async () => {
      const { data, response } = await client.embeddings.create({ model: "granite-embedding:278m", input: "Le texte à vectoriser" }).withResponse();
      expect(data.object).toBe("list");
      expect(data.model).toBe("granite-embedding:278m");
      expect(data.data).toHaveLength(1);
      expect(Array.from(data.data[0]!.embedding)).toEqual(fakeVector("Le texte à vectoriser"));
      expect(data.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
      const id = response.headers.get("id")!;
      expect(id).toMatch(/^embd-/);
      expect(JSON.parse(response.headers.get("backend")!)).toEqual({ engine_type: "openai", machine_name: "vllm-emb-machine" });
      // The engine is asked for floats whatever the client wants: the gateway encodes.
      expect(vllm.calls.at(-1)!.body).toMatchObject({ model: "embed", input: "Le texte à vectoriser", encoding_format: "float" });

      const row = await usageRow(id);
      expect(row).toMatchObject({ status: 200, endpoint: "embeddings", modelId: "granite-embedding:278m", promptTokens: 4, completionTokens: 0, estimated: false });
      expect(row.costNanos).toBe(4n * 1800n);
    });

    it("encodes base64 as float32 little-endian, and floats as numbers, ordered by index", async () => {
      const texts = ["un", "deux", "trois", "quatre"];
      const b64 = await (await post("/v1/embeddings", { model: "granite-embedding:278m", input: texts, encoding_format: "base64" })).json();
      expect(b64.data.map((d: { index: number }) => d.index)).toEqual([0, 1, 2, 3]);
      expect(b64.data.map((d: { embedding: string }) => decodeBase64(d.embedding))).toEqual(texts.map((t) => fakeVector(t)));

      const floats = await client.embeddings.create({ model: "granite-embedding:278m", input: texts, encoding_format: "float" });
      expect(floats.data.map((d) => d.embedding)).toEqual(texts.map((t) => fakeVector(t)));
      expect(floats.data.map((d) => d.index)).toEqual([0, 1, 2, 3]);
    });

    it("decodes cl100k_base token arrays to text, as LangChain's Python OpenAIEmbeddings sends them", async () => {
      const texts = ["Bonjour le monde", "Photosynthesis converts light into chemical energy."];
      const res = await post("/v1/embeddings", { model: "granite-embedding:278m", input: texts.map((t) => enc.encode(t)), encoding_format: "base64" });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.data.map((d: { embedding: string }) => decodeBase64(d.embedding))).toEqual(texts.map((t) => fakeVector(t)));
      expect(vllm.calls.at(-1)!.body.input).toEqual(texts);

      const one = await client.embeddings.create({ model: "granite-embedding:278m", input: enc.encode(texts[0]!), encoding_format: "float" });
      expect(one.data[0]!.embedding).toEqual(fakeVector(texts[0]!));
      expect(vllm.calls.at(-1)!.body.input).toEqual([texts[0]]);
    });

    it("serves LangChain's OpenAIEmbeddings with its defaults", async () => {
      const embeddings = new OpenAIEmbeddings({ model: "granite-embedding:278m", apiKey: secret, configuration: { baseURL: `${server.url}/v1` } });
      const docs = await embeddings.embedDocuments(["premier document", "second\ndocument"]);
      expect(docs).toEqual([fakeVector("premier document"), fakeVector("second document")]);
      expect(await embeddings.embedQuery("une question")).toEqual(fakeVector("une question"));
    });

    it("passes dimensions to engines that shorten vectors, and refuses a vector of another size", async () => {
      const short = await client.embeddings.create({ model: "matryoshka", input: "court", dimensions: 4 });
      expect(short.data[0]!.embedding).toEqual(fakeVector("court", 4));
      expect(vllm.calls.at(-1)!.body.dimensions).toBe(4);

      const res = await post("/v1/embeddings", { model: "granite-embedding:278m", input: "court", dimensions: 4 });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ type: "invalid_request_error", param: "dimensions" });
    });

    it("reaches TEI's and Ollama's embeddings, and counts tokens itself when the engine reports none", async () => {
      const t = await client.embeddings.create({ model: "tei-embedder", input: ["a", "b"] });
      expect(t.data.map((d) => d.embedding)).toEqual([fakeVector("a"), fakeVector("b")]);

      const o = await client.embeddings.create({ model: "nomic", input: [enc.encode("un"), enc.encode("deux")], encoding_format: "float" });
      expect(o.data.map((d) => d.embedding)).toEqual([
        [0, 0.5, -0.5],
        [1, 0.5, -0.5],
      ]);
      expect(ollama.requests.at(-1)).toMatchObject({ path: "/api/embed", body: { model: "nomic-embed-text", input: ["un", "deux"] } });
      expect(o.usage.prompt_tokens).toBe(7);

      const { data, response } = await client.embeddings.create({ model: "quiet-embedder", input: "twelve characters!" }).withResponse();
      expect(data.usage.prompt_tokens).toBe(5);
      expect(await usageRow(response.headers.get("id")!)).toMatchObject({ promptTokens: 5, estimated: true });
    });

    it("rejects bad inputs in the reference's envelope", async () => {
      const cases: [unknown, number, string | null, RegExp][] = [
        [{ model: "granite-embedding:278m" }, 400, "input", /Missing required parameter: 'input'/],
        [{ model: "granite-embedding:278m", input: "" }, 400, "input", /empty string/],
        [{ model: "granite-embedding:278m", input: [] }, 400, "input", /must be a non-empty string/],
        [{ model: "granite-embedding:278m", input: ["a", 1] }, 400, "input[1]", /must be a string/],
        [{ model: "granite-embedding:278m", input: [1, "a"] }, 400, "input[1]", /cl100k_base token id/],
        [{ model: "granite-embedding:278m", input: [[1, 2], []] }, 400, "input[1]", /empty array/],
        [{ model: "granite-embedding:278m", input: [[100277]] }, 400, "input[0][0]", /from 0 to 100276/],
        [{ model: "granite-embedding:278m", input: [1.5] }, 400, "input[0]", /token id/],
        [{ model: "granite-embedding:278m", input: { text: "x" } }, 400, "input", /must be a non-empty string/],
        [{ model: "granite-embedding:278m", input: "x", encoding_format: "int8" }, 400, "encoding_format", /'float' or 'base64'/],
        [{ model: "granite-embedding:278m", input: "x", dimensions: 0 }, 400, "dimensions", /positive integer/],
        [{ model: "chat-only", input: "x" }, 400, "model", /does not support embeddings \(it lacks the embeddings capability\)/],
        [{ model: "nemotron-rerank", input: "x" }, 400, "model", /lacks the embeddings capability/],
        [{ model: "unknown-model", input: "x" }, 404, "model", /Model 'unknown-model' does not exist/],
        [{ model: "picky-embedder", input: "x" }, 400, null, /input is too long/],
      ];
      for (const [body, status, param, message] of cases) {
        const res = await post("/v1/embeddings", body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        const { error } = await res.json();
        expect(error.param, JSON.stringify(body)).toBe(param);
        expect(error.message, JSON.stringify(body)).toMatch(message);
        expect(error.type).toBe("invalid_request_error");
      }
      expect((await post("/v1/embeddings", { model: "granite-embedding:278m", input: "x" }, "sk-wrong")).status).toBe(401);
    });

    it("honours the key's model list", async () => {
      const limited = await createTenant({ models: ["granite-embedding:278m"] });
      expect((await post("/v1/embeddings", { model: "granite-embedding:278m", input: "x" }, limited.secret)).status).toBe(200);
      const res = await post("/v1/embeddings", { model: "matryoshka", input: "x" }, limited.secret);
      expect(res.status).toBe(403);
      expect((await res.json()).error).toMatchObject({ type: "permission_error", code: "model_not_allowed" });
    });
  });

  describe("rerank", () => {
    const expectedOrder = (docs: string[]) =>
      docs
        .map((d, i) => ({ i, s: fakeScore(QUERY, d, i) }))
        .sort((a, b) => b.s - a.s)
        .map((r) => r.i);

    it("answers the cohere-ai SDK's v1 rerank with documents, search units and an id", async () => {
      const cohere = new CohereClient({ token: secret, environment: server.url, maxRetries: 0 });
      const r = await cohere.rerank({ model: "nemotron-rerank", query: QUERY, documents: DOCUMENTS, topN: 2 });
      expect(r.id).toMatch(/^rerank-/);
      expect(r.results.map((x) => x.index)).toEqual(expectedOrder(DOCUMENTS).slice(0, 2));
      expect(r.results[0]!.relevanceScore).toBeGreaterThan(r.results[1]!.relevanceScore);
      expect(r.results[0]!.document).toEqual({ text: DOCUMENTS[r.results[0]!.index] });
      expect(r.meta?.billedUnits?.searchUnits).toBe(3);
      expect(vllm.calls.at(-1)!.body).toEqual({ model: "rerank", query: QUERY, documents: DOCUMENTS, top_n: 2 });

      const row = await usageRow(r.id!);
      const words = (s: string) => s.match(/[\p{L}\p{N}]+/gu)!.length;
      const tokens = DOCUMENTS.reduce((n, d) => n + words(QUERY) + words(d), 0); // what the fake reports
      expect(row).toMatchObject({ status: 200, endpoint: "rerank", promptTokens: tokens, units: { search_units: 3, rerank_tokens: tokens }, estimated: false });
      expect(row.costNanos).toBe(BigInt(tokens) * 4000n);
    });

    it("answers the cohere-ai SDK's v2 rerank", async () => {
      const cohere = new CohereClientV2({ token: secret, environment: server.url, maxRetries: 0 });
      const r = await cohere.rerank({ model: "nemotron-rerank", query: QUERY, documents: DOCUMENTS });
      expect(r.results.map((x) => x.index)).toEqual(expectedOrder(DOCUMENTS));
      expect(r.results.every((x) => (x as { document?: unknown }).document === undefined)).toBe(true);
      expect(r.meta?.billedUnits?.searchUnits).toBe(3);
      expect((await usageRow(r.id!)).endpoint).toBe("rerank.v2");
    });

    it("answers the reference's shape, takes {text} documents and rank_fields, and leaves documents out when asked", async () => {
      const res = await post("/v1/rerank", { model: "nemotron-rerank", query: QUERY, documents: DOCUMENTS.map((text) => ({ text })), top_n: 2 });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.id).toBe(res.headers.get("id"));
      expect(body.usage.billed_units).toEqual({ search_units: 3 });
      expect(body.results[0]).toEqual({ index: 0, relevance_score: expect.any(Number), document: { text: DOCUMENTS[0] } });

      const bare = await (await post("/v1/rerank", { model: "nemotron-rerank", query: QUERY, documents: DOCUMENTS, return_documents: false })).json();
      expect(bare.results).toHaveLength(3);
      expect(bare.results[0].document).toBeUndefined();

      const fields = await post("/v1/rerank", {
        model: "nemotron-rerank",
        query: QUERY,
        documents: [{ title: "Paris", body: "capitale" }],
        rank_fields: ["title", "body"],
      });
      expect(fields.status).toBe(200);
      expect(vllm.calls.at(-1)!.body.documents).toEqual(["title: Paris\nbody: capitale"]);
      expect((await fields.json()).results[0].document).toEqual({ title: "Paris", body: "capitale" });
    });

    it("reaches TEI's native /rerank and estimates tokens it does not report", async () => {
      const cohere = new CohereClient({ token: secret, environment: server.url, maxRetries: 0 });
      const r = await cohere.rerank({ model: "bge-reranker", query: QUERY, documents: DOCUMENTS, topN: 1 });
      expect(r.results.map((x) => x.index)).toEqual(expectedOrder(DOCUMENTS).slice(0, 1));
      expect(tei.calls.at(-1)).toMatchObject({ path: "/rerank", body: { query: QUERY, texts: DOCUMENTS } });
      const row = await usageRow(r.id!);
      expect(row.estimated).toBe(true);
      expect(row.units).toMatchObject({ search_units: 3 });
      expect(row.units.rerank_tokens).toBeGreaterThan(0);
    });

    it("rejects bad inputs", async () => {
      const cases: [string, unknown, number, string | null, RegExp][] = [
        ["/v1/rerank", { model: "nemotron-rerank", documents: DOCUMENTS }, 400, "query", /Missing required parameter: 'query'/],
        ["/v2/rerank", { model: "nemotron-rerank", query: QUERY, documents: [] }, 400, "documents", /at least one document/],
        ["/v1/rerank", { model: "nemotron-rerank", query: QUERY, documents: "Paris" }, 400, "documents", /must be an array/],
        ["/v1/rerank", { model: "nemotron-rerank", query: QUERY, documents: [{ title: "x" }] }, 400, "documents[0]", /'text' string/],
        ["/v1/rerank", { model: "nemotron-rerank", query: QUERY, documents: [3] }, 400, "documents[0]", /'text' string/],
        ["/v1/rerank", { model: "nemotron-rerank", query: QUERY, documents: DOCUMENTS, top_n: 0 }, 400, "top_n", /positive integer/],
        ["/v2/rerank", { model: "granite-embedding:278m", query: QUERY, documents: DOCUMENTS }, 400, "model", /does not support reranking/],
        ["/v1/rerank", { model: "nope", query: QUERY, documents: DOCUMENTS }, 404, "model", /does not exist/],
      ];
      for (const [path, body, status, param, message] of cases) {
        const res = await post(path, body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        const { error } = await res.json();
        expect(error.param, JSON.stringify(body)).toBe(param);
        expect(error.message, JSON.stringify(body)).toMatch(message);
      }
      const broken = await post("/v1/rerank", { model: "broken-rerank", query: QUERY, documents: DOCUMENTS });
      expect(broken.status).toBe(502);
      expect((await broken.json()).error.type).toBe("server_error");

      const cohere = new CohereClientV2({ token: secret, environment: server.url, maxRetries: 0 });
      await expect(cohere.rerank({ model: "chat-only", query: QUERY, documents: DOCUMENTS })).rejects.toMatchObject({ statusCode: 400 });
    });
  });
});
