CREATE TABLE "limit_leases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"instance_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"scope_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"amount" bigint DEFAULT 0 NOT NULL,
	"draining" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "limit_leases_instance_idx" ON "limit_leases" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "limit_leases_counter_idx" ON "limit_leases" USING btree ("scope_id","metric","window_start");