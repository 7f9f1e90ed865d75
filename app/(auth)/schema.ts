import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "@/lib/passwords";

export const loginSchema = z.object({
  email: z.string().trim().min(1),
  password: z.string().min(1),
  callbackUrl: z.string().optional(),
});

export const setupSchema = z
  .object({
    accountName: z.string().trim().min(1, "Enter a name for the account").max(100, "Use at most 100 characters"),
    name: z.string().trim().max(100, "Use at most 100 characters"),
    email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address")),
    password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords do not match" });

export type SetupField = keyof z.input<typeof setupSchema>;
