import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "./env";

const MIN_LENGTH = 32;

let cached: string | undefined;

/**
 * The key that signs console sessions: AUTH_SECRET when set, otherwise a
 * random one generated on first use and kept in the data folder, so sessions
 * survive restarts without any configuration.
 */
export function authSecret(): string {
  const configured = env().AUTH_SECRET;
  if (configured) return configured;
  cached ??= readOrCreateSecret(path.join(env().LLMAAS_DATA_DIR, "auth-secret"));
  return cached;
}

export function readOrCreateSecret(file: string): string {
  const existing = readSecret(file);
  if (existing !== undefined) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written whole under a temporary name, then linked into place: a process
  // starting at the same moment sees either no file or the complete secret,
  // and if both generate one, the first link wins and the other reads it.
  const temporary = `${file}.${process.pid}.${crypto.randomUUID()}`;
  fs.writeFileSync(temporary, `${crypto.randomBytes(48).toString("base64url")}\n`, { mode: 0o600 });
  try {
    fs.linkSync(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return readSecret(file)!;
}

function readSecret(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  if (text.length < MIN_LENGTH) {
    throw new Error(`${file} holds no usable secret: delete it to generate a new one (this signs everyone out)`);
  }
  return text;
}
