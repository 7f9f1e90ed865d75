import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  /**
   * Required by Node at run time rather than bundled: PGlite loads its WASM
   * and data files from beside its own module, pg has optional native
   * bindings, and bcryptjs probes for Node's crypto module when it loads.
   * The custom server imports the same packages, so both share one copy.
   */
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "pg", "bcryptjs", "node-llama-cpp"],
  poweredByHeader: false,
  // Pages and /api get theirs from proxy.ts; static files (not seen by it) at least this.
  async headers() {
    return [{ source: "/_next/static/:path*", headers: [{ key: "x-content-type-options", value: "nosniff" }] }];
  },
};

export default nextConfig;
