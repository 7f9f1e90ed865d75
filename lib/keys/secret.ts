import { hash, randomBytes } from "node:crypto";

export const KEY_PREFIX = "sk-llmaas-";
/** How much of the secret lists show: enough to tell keys apart, too little to use. */
const VISIBLE = KEY_PREFIX.length + 6;

export function generateSecret(): string {
  return KEY_PREFIX + randomBytes(24).toString("base64url");
}

/** The stored form of a secret (SHA-256, hex), computed on every API request: the one-shot hash, a third of createHash's cost. */
export function hashSecret(secret: string): string {
  return hash("sha256", secret, "hex");
}

export function visiblePrefix(secret: string): string {
  return secret.slice(0, VISIBLE);
}
