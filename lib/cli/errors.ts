/**
 * One line that says what went wrong and what to do, for an error that is
 * not the platform's own (the database unreachable or missing, a file that
 * cannot be read), instead of a driver's stack trace.
 */
export function explainFailure(err: unknown): string {
  const chain: { code?: unknown; message?: unknown; address?: unknown; port?: unknown; hostname?: unknown }[] = [];
  for (let e = err as { cause?: unknown } | undefined; e && chain.length < 5; e = e.cause as typeof e) chain.push(e as never);
  for (const e of chain) {
    const code = typeof e.code === "string" ? e.code : "";
    const message = typeof e.message === "string" ? e.message.split("\n")[0]! : "";
    const where = typeof e.address === "string" ? ` at ${e.address}${e.port ? `:${e.port}` : ""}` : "";
    switch (code) {
      case "3D000":
        return `${message}: create it (createdb <name>) or correct the database name in DATABASE_URL`;
      case "28P01":
      case "28000":
        return `Postgres refused the user or password in DATABASE_URL (${message}): correct them`;
      case "ECONNREFUSED":
        return `cannot connect to Postgres${where}: nothing listens there; start Postgres or correct host and port in DATABASE_URL`;
      case "ENOTFOUND":
      case "EAI_AGAIN":
        return `cannot resolve the database host${e.hostname ? ` '${e.hostname}'` : ""}: correct the host in DATABASE_URL`;
      case "ETIMEDOUT":
        return `connecting to Postgres${where} timed out: check that it is reachable from here and that DATABASE_URL is right`;
      case "57P03":
        return "Postgres is starting up or shutting down: try again in a moment";
      case "EACCES":
        return `permission denied (${message}): check who owns LLMAAS_DATA_DIR`;
      default:
        if (/^[0-9A-Z]{5}$/.test(code)) {
          return `the database refused a query (SQLSTATE ${code}: ${message}); run \`llmaas migrate\` if the schema is out of date`;
        }
    }
  }
  const top = chain[0];
  const message = typeof top?.message === "string" ? top.message.split("\n")[0]! : String(err);
  return /^Failed query/.test(message) ? "a database query failed: check DATABASE_URL, and run `llmaas migrate` if the schema is out of date" : message;
}
