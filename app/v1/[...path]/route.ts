import { serveGateway } from "@/lib/gateway";

// Every other API path, so unknown ones get the API's JSON error rather than an HTML page.
export const dynamic = "force-dynamic";
export const GET = serveGateway;
export const POST = serveGateway;
export const DELETE = serveGateway;
export const OPTIONS = serveGateway;
