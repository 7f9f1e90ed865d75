/** What a user may do in their account (lib/console/authz.ts says what each allows); browser code reads it too. */
export const ROLES = ["admin", "member", "finance"] as const;
export type Role = (typeof ROLES)[number];
