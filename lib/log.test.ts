import { expect, it } from "vitest";
import { errorFields } from "./log";

it("logs database errors without their SQL, parameters or values", () => {
  const pgError = Object.assign(new Error('invalid input syntax for type uuid: "secret-value"'), { code: "22P02", table: "api_keys" });
  const drizzle = Object.assign(new Error("Failed query: select * from api_keys where hash = $1\nparams: secret-value"), { cause: pgError });
  const fields = errorFields(drizzle);
  expect(fields).toEqual({ error: "database query failed", sqlstate: "22P02", table: "api_keys" });
  expect(JSON.stringify(errorFields(new Error("Failed query: insert …\nparams: a,b")))).not.toContain("params");
  expect(errorFields(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toEqual({ error: "connection failed", code: "ECONNREFUSED" });
  expect(errorFields(new TypeError("x is not a function\n  at y"))).toEqual({ error: "TypeError: x is not a function" });
});
