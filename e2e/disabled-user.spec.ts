import { expect, test } from "@playwright/test";
import { ADMIN, BASE_URL, llmaas, signInAsAdmin } from "./fixtures";
import { ConsolePage } from "./pages/console-page";
import { LoginPage } from "./pages/login-page";

const LEAVER = { email: "leaver@acme.test", password: "leaver password 1" } as const;

test("a disabled user is signed out at once, cannot sign in, and loses their keys until enabled", async ({ page }) => {
  // Four runs of the CLI, each a new Node process: slow on a busy machine.
  test.setTimeout(90_000);
  llmaas("user", "create", "--email", LEAVER.email, "--password", LEAVER.password, "--account", ADMIN.accountName, "--role", "member");
  const secret = llmaas("key", "create", "--email", LEAVER.email, "--name", "laptop").trimEnd().split("\n").at(-1)!;
  const models = () => fetch(`${BASE_URL}/v1/models`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status);
  expect(await models()).toBe(200);

  await signInAsAdmin(page, LEAVER);
  const overview = new ConsolePage(page);
  await expect(overview.signedInEmail).toHaveText(LEAVER.email);

  // The API key, and the console key the overview's figures were read with.
  expect(llmaas("user", "disable", "--email", LEAVER.email)).toContain("revoked 2 keys");
  // The open session ends at its next request; the API key stops working within a second.
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
  await expect.poll(models, { timeout: 2_000 }).toBe(401);

  const login = new LoginPage(page);
  await login.signIn(LEAVER.email, LEAVER.password);
  await expect(login.error).toHaveText("This user is disabled. Ask an administrator of your account to enable it.");
  // A wrong password still gets the answer that says nothing about the user.
  await login.signIn(LEAVER.email, "not the password");
  await expect(login.error).toHaveText("Invalid email or password");

  llmaas("user", "enable", "--email", LEAVER.email);
  await login.signIn(LEAVER.email, LEAVER.password);
  await expect(overview.signedInEmail).toHaveText(LEAVER.email);
  expect(await models()).toBe(401);
});
