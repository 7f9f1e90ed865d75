import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "@/lib/password-policy";
import { ROLES } from "@/lib/roles";

/*
 * The forms of the account and user administration pages, each checked with
 * the same schema in the browser (errors beside the field before anything is
 * sent) and on the server (whatever the browser sent).
 */

const id = z.string().uuid("Not a valid id");
const accountName = z.string().trim().min(1, "Give the account a name").max(100, "At most 100 characters");
const tierId = z.coerce.number({ message: "Choose a tier" }).int("Choose a tier").positive("Choose a tier");
const role = z.enum(ROLES, { message: "Choose admin, member or finance" });
const temporaryPassword = z.string().min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`).max(200, "At most 200 characters");

export const createAccountSchema = z.object({ name: accountName, tierId });
export type CreateAccountForm = z.input<typeof createAccountSchema>;

export const renameAccountSchema = z.object({ accountId: id, name: accountName });
export type RenameAccountForm = z.input<typeof renameAccountSchema>;

export const accountTierSchema = z.object({ accountId: id, tierId });
export type AccountTierForm = z.input<typeof accountTierSchema>;

export const accountBudgetSchema = z.object({
  accountId: id,
  monthlyBudget: z
    .string()
    .trim()
    .max(20, "At most 20 characters")
    .regex(/^(\d+(\.\d{1,9})?)?$/, "An amount in euros, such as 500 or 49.90, or empty for none"),
});
export type AccountBudgetForm = z.input<typeof accountBudgetSchema>;

export const suspendAccountSchema = z.object({
  accountId: id,
  suspended: z.boolean(),
  reason: z.string().trim().max(500, "At most 500 characters").optional(),
});
export type SuspendAccountForm = z.input<typeof suspendAccountSchema>;

export const createMemberSchema = z.object({
  accountId: id,
  email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address")),
  name: z.string().trim().max(100, "At most 100 characters"),
  role,
  temporaryPassword,
});
export type CreateMemberForm = z.input<typeof createMemberSchema>;

export const memberRoleSchema = z.object({ userId: id, role });
export type MemberRoleForm = z.input<typeof memberRoleSchema>;

export const memberEnabledSchema = z.object({ userId: id, enabled: z.boolean() });
export type MemberEnabledForm = z.input<typeof memberEnabledSchema>;

export const resetPasswordSchema = z.object({ userId: id, temporaryPassword });
export type ResetPasswordForm = z.input<typeof resetPasswordSchema>;

export const changePasswordSchema = z
  .object({
    current: z.string().min(1, "Enter your current password"),
    password: z.string().min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`).max(200, "At most 200 characters"),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords do not match" })
  .refine((v) => v.password !== v.current, { path: ["password"], message: "Choose a password other than the current one" });
export type ChangePasswordForm = z.input<typeof changePasswordSchema>;
