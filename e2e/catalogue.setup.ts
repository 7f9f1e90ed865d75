import { execFileSync } from "node:child_process";
import { test as setup } from "@playwright/test";
import { ADMIN, FAKE_BACKEND_URL, MEMBER } from "./fixtures";

setup("the fake backend and its models are registered, the account has credit and a member", async () => {
  execFileSync("npx", ["tsx", "e2e/support/seed.ts", `${FAKE_BACKEND_URL}/v1`, ADMIN.accountName, MEMBER.email, MEMBER.password], {
    env: { ...process.env, LLMAAS_DATA_DIR: ".data/e2e" },
    stdio: "inherit",
    timeout: 60_000,
  });
  // Every instance follows a change of the catalogue within a second.
  await new Promise((r) => setTimeout(r, 1_000));
});
