import { type Page, expect, test } from "@playwright/test";
import { ADMIN, MEMBER, llmaas, signInAsAdmin } from "./fixtures";

const OUTSIDER = { email: "eve@rival.test", password: "outsider password 1" } as const;

async function ownRequest(page: Page) {
  const chat = await page.request.post("/api/console/v1/chat/completions", { data: { model: "fake-chat", messages: [{ role: "user", content: "mine" }], max_tokens: 20 } });
  expect(chat.status()).toBe(200);
  const requestId = chat.headers()["id"]!;
  const saved = await page.request.post("/api/console/conversations", { data: { title: "Private", model: "fake-chat", messages: [{ role: "user", content: "mine" }] } });
  expect(saved.status()).toBe(201);
  await expect.poll(async () => (await page.request.get(`/api/console/usage/${requestId}`)).status()).toBe(200);
  return { requestId, conversationId: ((await saved.json()) as { id: string }).id };
}

/** Everything another person tries on someone's conversation and request answers "not found", and changes nothing. */
async function expectInvisible(page: Page, own: { requestId: string; conversationId: string }) {
  const list = (await (await page.request.get("/api/console/conversations")).json()) as { data: { id: string }[] };
  expect(list.data.map((c) => c.id)).not.toContain(own.conversationId);
  const path = `/api/console/conversations/${own.conversationId}`;
  for (const res of [
    await page.request.get(path),
    await page.request.put(path, { data: { title: "Taken", model: "fake-chat", messages: [] } }),
    await page.request.delete(path),
    await page.request.get(`/api/console/usage/${own.requestId}`),
  ]) {
    expect(res.status()).toBe(404);
    expect((await res.json()).error.type).toBe("invalid_request_error");
  }
}

test("nobody sees or touches another person's conversations or usage, in their account or another", async ({ browser }) => {
  // Two CLI runs and three sign-ins: on a busy machine more than the default 30 s.
  test.setTimeout(90_000);
  llmaas("account", "create", "--name", "Rival Labs");
  llmaas("user", "create", "--email", OUTSIDER.email, "--password", OUTSIDER.password, "--account", "Rival Labs", "--role", "admin");

  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const [admin, member, outsider] = await Promise.all(contexts.map((c) => c.newPage()));
  await signInAsAdmin(admin!, ADMIN);
  await signInAsAdmin(member!, MEMBER);
  await signInAsAdmin(outsider!, OUTSIDER);

  const adminOwn = await ownRequest(admin!);
  // A colleague in the same account and an administrator of another account alike.
  await expectInvisible(member!, adminOwn);
  await expectInvisible(outsider!, adminOwn);
  // The owner still has it, untouched.
  const mine = await admin!.request.get(`/api/console/conversations/${adminOwn.conversationId}`);
  expect(mine.status()).toBe(200);
  expect((await mine.json()).title).toBe("Private");

  // The other account's limits panel shows its own tier and spend, not this account's.
  const limits = (await (await outsider!.request.get("/api/console/limits")).json()) as { spendMonth: { used: string } };
  expect(limits.spendMonth.used).toBe("0");
  await Promise.all(contexts.map((c) => c.close()));
});
