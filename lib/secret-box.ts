import crypto from "node:crypto";
import path from "node:path";
import { readOrCreateSecret } from "./auth-secret";
import { env } from "./env";

/*
 * Secrets the platform must be able to read back (the API keys it sends to
 * upstream backends) are stored encrypted: AES-256-GCM under a key derived
 * from LLMAAS_SECRET_KEY, as "enc:v1:<key id>:<iv>:<ciphertext+tag>". The
 * key id names which key sealed a value, so the key can be rotated: set the
 * new one as LLMAAS_SECRET_KEY and the old one in LLMAAS_SECRET_KEY_OLD;
 * values sealed with the old key still open and are sealed again with the
 * new one at start. A value without the prefix is a plain value from before
 * encryption; it is read as is and sealed at the next start.
 */

const PREFIX = "enc:v1:";

interface Key {
  id: string;
  bytes: Buffer;
}

function deriveKey(material: string): Key {
  const bytes = Buffer.from(crypto.hkdfSync("sha256", material, "llmaas", "llmaas secret box v1", 32));
  return { id: crypto.createHash("sha256").update(bytes).digest("hex").slice(0, 8), bytes };
}

export interface Keyring {
  current: Key;
  all: Map<string, Key>;
}

export function keyring(current: string, old: string[] = []): Keyring {
  const c = deriveKey(current);
  const all = new Map<string, Key>([[c.id, c]]);
  for (const o of old) {
    const k = deriveKey(o);
    if (!all.has(k.id)) all.set(k.id, k);
  }
  return { current: c, all };
}

let cached: Keyring | undefined;

/** The process's keys: LLMAAS_SECRET_KEY (or one generated into the data folder) and any old ones. */
export function secretKeys(): Keyring {
  if (cached) return cached;
  const e = env();
  const current = e.LLMAAS_SECRET_KEY ?? readOrCreateSecret(path.join(e.LLMAAS_DATA_DIR, "secret-key"));
  const old = (e.LLMAAS_SECRET_KEY_OLD ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  cached = keyring(current, old);
  return cached;
}

/** Forget the keys read from the environment (tests changing it). */
export function resetSecretKeys(): void {
  cached = undefined;
}

export const isSealed = (value: string) => value.startsWith(PREFIX);

export function seal(plain: string, keys: Keyring = secretKeys()): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keys.current.bytes, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${keys.current.id}:${iv.toString("base64url")}:${body.toString("base64url")}`;
}

export class SecretBoxError extends Error {}

/** The plain value of a sealed one (or a plain value as is). Throws when no key opens it. */
export function open(value: string, keys: Keyring = secretKeys()): string {
  if (!isSealed(value)) return value;
  const [id, iv, body] = value.slice(PREFIX.length).split(":");
  const key = keys.all.get(id ?? "");
  if (!key || !iv || !body) {
    throw new SecretBoxError(`a stored secret was sealed with key ${id}, which neither LLMAAS_SECRET_KEY nor LLMAAS_SECRET_KEY_OLD is`);
  }
  const data = Buffer.from(body, "base64url");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(data.subarray(data.length - 16));
  try {
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError(`a stored secret sealed with key ${id} does not open: it was altered, or the key is not the one that sealed it`);
  }
}

/** Whether a stored value should be sealed again: plain, or sealed with a key other than the current one. */
export const needsReseal = (value: string, keys: Keyring = secretKeys()) => !isSealed(value) || !value.startsWith(`${PREFIX}${keys.current.id}:`);
