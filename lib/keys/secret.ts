import { createHash, randomBytes } from "node:crypto";

export const KEY_PREFIX = "sk-llmaas-";
/** How much of the secret lists show: enough to tell keys apart, too little to use. */
const VISIBLE = KEY_PREFIX.length + 6;

export function generateSecret(): string {
  return KEY_PREFIX + randomBytes(24).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function visiblePrefix(secret: string): string {
  return secret.slice(0, VISIBLE);
}
