/* `npm run bench`: prints the platform's speed figures. Each benchmark is a module with one exported function. */
import { readdirSync } from "node:fs";
import path from "node:path";

const only = process.argv[2];
const dir = import.meta.dirname;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts").sort()) {
  const name = path.basename(file, ".ts");
  if (only && only !== name) continue;
  const mod = (await import(path.join(dir, file))) as Record<string, () => Promise<void>>;
  const run = Object.entries(mod).find(([k, v]) => k.startsWith("bench") && typeof v === "function");
  if (run) await run[1]();
}
process.exit(0);
