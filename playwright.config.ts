import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;
/** The fake inference backend's port; the specs read it from the environment too. */
const FAKE_BACKEND_PORT = Number(process.env.E2E_FAKE_BACKEND_PORT ?? PORT + 99);
process.env.E2E_FAKE_BACKEND_PORT = String(FAKE_BACKEND_PORT);

/**
 * Runs the production server against a fresh embedded database, so the first
 * project sees the platform exactly as a new install does. `npm run build`
 * (or `npm run test:e2e`, which builds when needed) must have run first.
 */
export default defineConfig({
  testDir: "e2e",
  // One server, one database: specs share state, so they run one at a time, in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // The system's Chromium: the test run never downloads a browser.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // A synthetic microphone, allowed without asking, for the transcription page's recorder.
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
      ],
    },
  },
  projects: [
    // Everything that needs a platform nobody has set up yet.
    { name: "first-run", testMatch: /first-run\.spec\.ts/, use: { ...devices["Desktop Chrome"] } },
    // Registers the fake backend's models and gives the first account credit.
    { name: "catalogue", testMatch: /catalogue\.setup\.ts/, dependencies: ["first-run"] },
    {
      name: "console",
      testIgnore: /first-run\.spec\.ts/,
      dependencies: ["catalogue"],
      use: { ...devices["Desktop Chrome"] },
    },
  ],
  webServer: [
    {
      // An OpenAI-compatible backend the console's pages talk to through the gateway.
      command: `FAKE_BACKEND_PORT=${FAKE_BACKEND_PORT} npx tsx e2e/support/fake-backend.ts`,
      url: `http://127.0.0.1:${FAKE_BACKEND_PORT}/__requests`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // The public URL is set, as in a real deployment: cross-origin checks, redirects and cookies follow it.
      command: `node scripts/build-server.mjs && rm -rf .data/e2e && LLMAAS_DATA_DIR=.data/e2e LLMAAS_PUBLIC_URL=${baseURL} PORT=${PORT} NODE_ENV=production node dist/server.js`,
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
