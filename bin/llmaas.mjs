#!/usr/bin/env node
// The admin CLI. Runs the TypeScript sources through tsx, from the project
// root so that relative settings (LLMAAS_DATA_DIR) mean what they mean to the server.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
register({ tsconfig: path.join(root, "tsconfig.json") });
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv);
