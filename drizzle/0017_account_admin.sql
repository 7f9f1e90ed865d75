ALTER TABLE "accounts" ADD COLUMN "suspended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "must_change_password" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "accounts_created_idx" ON "accounts" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "accounts_tier_name_idx" ON "accounts" USING btree ("tier_id","name");--> statement-breakpoint
CREATE INDEX "accounts_suspended_name_idx" ON "accounts" USING btree ("name") WHERE suspended_at is not null;--> statement-breakpoint
CREATE INDEX "accounts_changed_idx" ON "accounts" USING btree ("changed_at");--> statement-breakpoint
CREATE INDEX "users_account_email_idx" ON "users" USING btree ("account_id",lower("email"),"id");