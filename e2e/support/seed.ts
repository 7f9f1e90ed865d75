/*
 * Registers the fake backend and its models in the e2e database, through the
 * running server's socket, with the admin CLI's own commands; then gives the
 * first-run account credit so its prepaid tier is active.
 * Run as: LLMAAS_DATA_DIR=.data/e2e tsx e2e/support/seed.ts <backend url>
 */
import { closeDatabase, openConfiguredDatabase, setDatabase } from "@/db/client";
import { main } from "@/lib/cli/main";

const url = process.argv[2] ?? "http://127.0.0.1:3199/v1";
const account = process.argv[3] ?? "Acme Research";
const member = { email: process.argv[4] ?? "ben@acme.test", password: process.argv[5] ?? "member password 1" };

const commands: string[][] = [
  ["backend", "add", "--name", "fake-gpu", "--engine", "openai", "--url", url, "--machine", "gpu-test-1"],
  ["model", "add", "--id", "fake-chat", "--backend", "fake-gpu", "--capabilities", "chat,vision,tools", "--aliases", "chat-default", "--max-model-len", "32768", "--description", "A chat model that reads images and calls tools"],
  ["model", "add", "--id", "fake-mini", "--backend", "fake-gpu", "--capabilities", "chat", "--max-model-len", "8192", "--description", "A small, fast text model"],
  ["model", "add", "--id", "fake-reasoner", "--backend", "fake-gpu", "--capabilities", "chat", "--max-model-len", "16384", "--description", "Thinks before it answers"],
  ["model", "add", "--id", "fake-embed", "--backend", "fake-gpu", "--capabilities", "embeddings", "--max-model-len", "512"],
  ["model", "add", "--id", "fake-rerank", "--backend", "fake-gpu", "--capabilities", "rerank", "--max-model-len", "512"],
  ["model", "add", "--id", "fake-whisper", "--backend", "fake-gpu", "--capabilities", "transcription", "--max-model-len", "448"],
  ["model", "add", "--id", "fake-tts", "--backend", "fake-gpu", "--capabilities", "speech", "--max-model-len", "4096"],
  ["credit", "add", "--account", account, "--amount", "200", "--note", "e2e"],
  // A prepaid tier with hourly and daily windows, so the limits the console shows are real ones.
  ["tier", "assign", "--account", account, "--tier", "Tier 1"],
  // A member who has never used the console.
  ["user", "create", "--email", member.email, "--password", member.password, "--account", account, "--name", "Ben Member"],
];

setDatabase(openConfiguredDatabase({ serveSocket: false }));
let failed = 0;
try {
  for (const argv of commands) {
    const code = await main(["node", "llmaas", ...argv], undefined, { manageDatabase: false });
    if (code !== 0) failed++;
  }
} finally {
  await closeDatabase();
}
process.exit(failed ? 1 : 0);
