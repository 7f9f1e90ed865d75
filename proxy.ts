import { NextResponse, type NextRequest } from "next/server";
import { REQUESTED_PATH_HEADER } from "@/lib/callback-path";

/**
 * Layouts are not told which page is being rendered; the console layout needs
 * it to send a signed-out visitor back there after sign-in.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/((?!api/|v1/|v2/|_next/|favicon.ico).*)"],
};
