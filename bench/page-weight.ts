import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** Each console page's first-load JavaScript, gzipped, from the production build (`npm run weight` alone). */
export async function benchPageWeight() {
  const root = path.join(import.meta.dirname, "..");
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.log("page weight: no production build (npm run build), skipped");
    return;
  }
  console.log("\n## Console page weight\n");
  console.log(execFileSync(process.execPath, [path.join(root, "scripts", "page-weight.mjs")], { encoding: "utf8" }));
}
