type Json = Record<string, unknown>;

/** Data URIs are megabytes of base64: the snippet shows where one goes instead. */
function shorten(value: unknown): unknown {
  if (typeof value === "string" && value.startsWith("data:") && value.length > 120) {
    return `${value.slice(0, value.indexOf(",") + 1)}<BASE64 DATA>`;
  }
  if (Array.isArray(value)) return value.map(shorten);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
  return value;
}

const indent = (text: string, spaces: number) => text.replaceAll("\n", `\n${" ".repeat(spaces)}`);

/** JSON as a Python literal: true/false/null become True/False/None. */
function pythonLiteral(value: unknown): string {
  return JSON.stringify(value, null, 4).replace(/("(?:[^"\\]|\\.)*")|\b(true|false|null)\b/g, (m, str: string | undefined, word: string | undefined) =>
    str ? str : word === "true" ? "True" : word === "false" ? "False" : "None",
  );
}

/** JSON as a JavaScript object literal: keys that are identifiers lose their quotes. */
const jsLiteral = (value: unknown) => JSON.stringify(value, null, 2).replace(/^(\s*)"([A-Za-z_$][\w$]*)":/gm, "$1$2:");

export type SnippetLanguage = "curl" | "python" | "javascript";

/** The request as a person would send it with their own API key, for an endpoint below the base URL. */
export function snippet(language: SnippetLanguage, baseUrl: string, path: string, request: Json): string {
  const body = shorten(request) as Json;
  if (path.startsWith("/audio/transcriptions") || path.startsWith("/audio/translations")) return audioSnippet(language, baseUrl, path, body);
  if (path === "/rerank") return httpSnippet(language, baseUrl, path, body);
  if (language === "curl") {
    const json = JSON.stringify(body, null, 2).replaceAll("'", `'\\''`);
    return [`curl ${baseUrl}${path} \\`, `  -H "Authorization: Bearer $LLMAAS_API_KEY" \\`, `  -H "Content-Type: application/json" \\`, `  -d '${json}'`].join("\n");
  }
  const [resource, method] = sdkCall(path);
  const stream = body.stream === true;
  if (language === "python") {
    const args = Object.entries(body)
      .map(([k, v]) => `    ${k}=${indent(pythonLiteral(v), 4)},`)
      .join("\n");
    const lines = [
      "import os",
      "from openai import OpenAI",
      "",
      `client = OpenAI(base_url="${baseUrl}", api_key=os.environ["LLMAAS_API_KEY"])`,
      "",
      `response = client.${resource}.${method}(`,
      args,
      ")",
    ];
    if (stream) lines.push("for chunk in response:", "    if chunk.choices:", '        print(chunk.choices[0].delta.content or "", end="")');
    else lines.push("print(response)");
    return lines.join("\n");
  }
  const lines = [
    'import OpenAI from "openai";',
    "",
    `const client = new OpenAI({ baseURL: "${baseUrl}", apiKey: process.env.LLMAAS_API_KEY });`,
    "",
    `const response = await client.${resource.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}.${method}(${jsLiteral(body)});`,
  ];
  if (stream) lines.push("for await (const chunk of response) {", '  process.stdout.write(chunk.choices[0]?.delta?.content ?? "");', "}");
  else lines.push("console.log(response);");
  return lines.join("\n");
}

function sdkCall(path: string): [string, string] {
  if (path === "/chat/completions") return ["chat.completions", "create"];
  if (path === "/embeddings") return ["embeddings", "create"];
  if (path === "/audio/speech") return ["audio.speech", "create"];
  if (path === "/images/generations") return ["images", "generate"];
  return ["completions", "create"];
}

/** Audio goes up as a file, so the body's fields become form fields. */
function audioSnippet(language: SnippetLanguage, baseUrl: string, path: string, body: Json): string {
  const { file: _f, ...fields } = body;
  const method = path.endsWith("translations") ? "translations" : "transcriptions";
  if (language === "curl") {
    const lines = [`curl ${baseUrl}${path}`, `  -H "Authorization: Bearer $LLMAAS_API_KEY"`, "  -F file=@audio.wav", ...Object.entries(fields).map(([k, v]) => `  -F ${k}=${JSON.stringify(String(v))}`)];
    return lines.join(" \\\n");
  }
  if (language === "python") {
    const args = Object.entries(fields).map(([k, v]) => `    ${k}=${pythonLiteral(v)},`);
    return ["import os", "from openai import OpenAI", "", `client = OpenAI(base_url="${baseUrl}", api_key=os.environ["LLMAAS_API_KEY"])`, "", `with open("audio.wav", "rb") as f:`, `    result = client.audio.${method}.create(`, "        file=f,", ...args.map((a) => `    ${a}`), "    )", "print(result)"].join("\n");
  }
  const args = Object.entries(fields).map(([k, v]) => `  ${k}: ${JSON.stringify(v)},`);
  return ['import fs from "node:fs";', 'import OpenAI from "openai";', "", `const client = new OpenAI({ baseURL: "${baseUrl}", apiKey: process.env.LLMAAS_API_KEY });`, "", `const result = await client.audio.${method}.create({`, '  file: fs.createReadStream("audio.wav"),', ...args, "});", "console.log(result);"].join("\n");
}

/** Endpoints the openai SDKs do not know (rerank): plain HTTP. */
function httpSnippet(language: SnippetLanguage, baseUrl: string, path: string, body: Json): string {
  if (language === "python") {
    return ["import os", "import requests", "", "response = requests.post(", `    "${baseUrl}${path}",`, '    headers={"Authorization": f"Bearer {os.environ[\'LLMAAS_API_KEY\']}"},', `    json=${indent(pythonLiteral(body), 4)},`, ")", "print(response.json())"].join("\n");
  }
  return [`const response = await fetch("${baseUrl}${path}", {`, '  method: "POST",', "  headers: { Authorization: `Bearer ${process.env.LLMAAS_API_KEY}`, \"Content-Type\": \"application/json\" },", `  body: JSON.stringify(${indent(JSON.stringify(body, null, 2), 2)}),`, "});", "console.log(await response.json());"].join("\n");
}
