import { type SQL, sql } from "drizzle-orm";

/**
 * The rows after a cursor in a keyset order: `(a, b) > (x, y)` ascending,
 * `<` descending. Every column sorts the same way, and each value is cast to
 * its column's type (`sql\`${v}::timestamptz\``), so the comparison can walk
 * the index the order uses.
 */
export function keysetAfter(columns: SQL[], values: SQL[], desc: boolean): SQL {
  const cols = sql.join(columns, sql`, `);
  const vals = sql.join(values, sql`, `);
  return desc ? sql`(${cols}) < (${vals})` : sql`(${cols}) > (${vals})`;
}
