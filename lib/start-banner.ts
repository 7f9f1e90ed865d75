import { needsSetup } from "./accounts";
import type { Catalogue } from "./gateway/catalogue";
import { log } from "./log";

/**
 * The line a person starting the server reads: where to open the console
 * (and that a fresh database wants its setup first), plus a warning when no
 * model can answer a chat yet and what to do about it. Plain text on stdout;
 * the JSON log keeps its own record.
 */
export async function announceReady({ url, apiOnly, modelsDir, catalogue }: { url: string; apiOnly: boolean; modelsDir: string; catalogue: Catalogue }) {
  const fresh = await needsSetup().catch(() => false);
  const line = apiOnly
    ? `llmaas API ready at ${url}/v1 (no console on this instance)`
    : fresh
      ? `llmaas is ready: open ${url}/setup to create the first account and its administrator`
      : `llmaas is ready: open ${url} to use the console`;
  process.stdout.write(`\n  ${line}\n\n`);
  const models = await catalogue.list().catch(() => []);
  if (!models.some((m) => m.capabilities.has("chat"))) {
    log.warn(
      `no model can answer a chat yet: copy a GGUF file into ${modelsDir} (it is picked up within seconds), add one from the console's Models page, or register an inference server with \`npx llmaas backend add\``,
      { modelsDir },
    );
  }
}
