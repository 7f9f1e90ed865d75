import { NextRequest } from "next/server";
import { handlers } from "@/auth";
import { publicUrl } from "@/lib/public-url";

/*
 * Auth.js builds its redirects on the request's URL, which Next.js bases on
 * the address the server is bound to (http://0.0.0.0:3000). Rebased on the
 * public URL (or, without one, the host the browser asked for), a sign-in
 * sends the browser back where it came from.
 */
function rebased(handler: (request: NextRequest) => Promise<Response>) {
  return (request: NextRequest) => {
    const url = new URL(`${request.nextUrl.pathname}${request.nextUrl.search}`, publicUrl(request.headers));
    return handler(new NextRequest(url, request));
  };
}

export const GET = rebased(handlers.GET);
export const POST = rebased(handlers.POST);
