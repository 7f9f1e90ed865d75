CREATE TABLE "usage_daily" (
	"day" date NOT NULL,
	"account_id" uuid NOT NULL,
	"key_id" uuid NOT NULL,
	"model_id" text NOT NULL,
	"batch" boolean DEFAULT false NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"search_units" bigint DEFAULT 0 NOT NULL,
	"audio_seconds" bigint DEFAULT 0 NOT NULL,
	"characters" bigint DEFAULT 0 NOT NULL,
	"images" bigint DEFAULT 0 NOT NULL,
	"cost_nanos" bigint DEFAULT 0 NOT NULL,
	"latency_hist" bigint[] NOT NULL,
	"ttft_hist" bigint[] NOT NULL,
	CONSTRAINT "usage_daily_account_id_day_key_id_model_id_batch_pk" PRIMARY KEY("account_id","day","key_id","model_id","batch")
);
--> statement-breakpoint
CREATE TABLE "usage_daily_zones" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"zone" text NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL
);
