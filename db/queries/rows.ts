/** A row of a raw query (`db.execute`), as both drivers return it. */
export type Row = Record<string, unknown>;

/** The rows of a raw query's result. */
export const rowsOf = (r: unknown) => (r as { rows: Row[] }).rows;
