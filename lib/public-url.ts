import { env } from "./env";

/**
 * The address users reach the platform at, for code snippets: LLMAAS_PUBLIC_URL
 * when set, otherwise what the browser asked for (through a proxy's
 * forwarded headers when there is one). No trailing slash.
 */
export function publicUrl(headers: { get(name: string): string | null }): string {
  const configured = env().LLMAAS_PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const first = (name: string) => headers.get(name)?.split(",")[0]?.trim() || undefined;
  const host = first("x-forwarded-host") ?? first("host") ?? `localhost:${env().PORT}`;
  const protocol = first("x-forwarded-proto") ?? "http";
  return `${protocol}://${host}`;
}
