/** Ready-to-paste calls with a new key's secret and the platform's address in them, shown once with the secret. */
export function keySnippets(baseUrl: string, secret: string, model: string) {
  return {
    curl: [
      `curl ${baseUrl}/chat/completions \\`,
      `  -H "Authorization: Bearer ${secret}" \\`,
      `  -H "Content-Type: application/json" \\`,
      `  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello!"}]}'`,
    ].join("\n"),
    python: [
      "from openai import OpenAI",
      "",
      `client = OpenAI(base_url="${baseUrl}", api_key="${secret}")`,
      "",
      "response = client.chat.completions.create(",
      `    model="${model}",`,
      '    messages=[{"role": "user", "content": "Hello!"}],',
      ")",
      "print(response.choices[0].message.content)",
    ].join("\n"),
    javascript: [
      'import OpenAI from "openai";',
      "",
      `const client = new OpenAI({ baseURL: "${baseUrl}", apiKey: "${secret}" });`,
      "",
      "const response = await client.chat.completions.create({",
      `  model: "${model}",`,
      '  messages: [{ role: "user", content: "Hello!" }],',
      "});",
      "console.log(response.choices[0].message.content);",
    ].join("\n"),
  };
}
