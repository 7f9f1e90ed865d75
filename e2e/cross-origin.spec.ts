import { expect, test } from "@playwright/test";
import { ADMIN, BASE_URL, FAKE_BACKEND_URL, llmaas } from "./fixtures";

test("a web page on another origin calls the API with a key and reads its headers", async ({ page }) => {
  const secret = llmaas("key", "create", "--email", ADMIN.email, "--name", "browser-app").trimEnd().split("\n").at(-1)!;
  // Any page served from another origin than the gateway's will do.
  await page.goto(`${FAKE_BACKEND_URL}/__requests`);
  const result = await page.evaluate(
    async ({ base, key }) => {
      // A JSON body and an Authorization header: the browser sends a preflight first.
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "fake-chat", messages: [{ role: "user", content: "from another site" }], max_tokens: 20 }),
      });
      const body = (await res.json()) as { choices: { message: { content: string } }[] };
      return {
        status: res.status,
        text: body.choices[0]!.message.content,
        id: res.headers.get("id"),
        remaining: res.headers.get("x-ratelimit-remaining-requests"),
      };
    },
    { base: BASE_URL, key: secret },
  );
  expect(result.status).toBe(200);
  expect(result.text).toContain("You said: from another site");
  expect(result.id).toMatch(/^chatcmpl-/);
  expect(Number(result.remaining)).toBeGreaterThan(0);
});
