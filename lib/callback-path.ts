/** The header through which proxy.ts tells server components which page was asked for. */
export const REQUESTED_PATH_HEADER = "x-llmaas-requested-path";

/**
 * A path on this site to return to after sign-in, or "/". Anything that could
 * leave the site (an absolute URL, "//host", "/\host") is refused.
 */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  if (value.startsWith("//") || value.startsWith("/\\")) return "/";
  try {
    const url = new URL(value, "http://localhost");
    if (url.origin !== "http://localhost") return "/";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}

export function loginPath(callbackPath: string | null | undefined): string {
  const target = safeCallbackPath(callbackPath);
  return target === "/" ? "/login" : `/login?${new URLSearchParams({ callbackUrl: target })}`;
}
