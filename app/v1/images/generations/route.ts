import { serveGateway } from "@/lib/gateway";

// Served by `next dev`; `npm start` answers this path in lib/gateway directly, without Next.js.
export const dynamic = "force-dynamic";
export const POST = serveGateway;
export const OPTIONS = serveGateway;
