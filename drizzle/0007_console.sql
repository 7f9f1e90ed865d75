CREATE TABLE "budget_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"month" text NOT NULL,
	"threshold_percent" integer NOT NULL,
	"spend_nanos" bigint NOT NULL,
	"budget_nanos" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"webhook_delivered_at" timestamp with time zone,
	"webhook_attempts" integer DEFAULT 0 NOT NULL,
	"webhook_next_at" timestamp with time zone,
	"webhook_last_error" text,
	"email_sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "usage_hourly" (
	"hour" timestamp with time zone NOT NULL,
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
	CONSTRAINT "usage_hourly_account_id_hour_key_id_model_id_batch_pk" PRIMARY KEY("account_id","hour","key_id","model_id","batch")
);
--> statement-breakpoint
DROP INDEX "api_keys_account_idx";--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "timezone" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "alert_thresholds" integer[] DEFAULT '{50,80,100}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "webhook_url" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "webhook_secret" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "previous_hash" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "previous_prefix" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "previous_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "rotated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "budget_alerts_once_idx" ON "budget_alerts" USING btree ("account_id","month","threshold_percent");--> statement-breakpoint
CREATE INDEX "budget_alerts_webhook_due_idx" ON "budget_alerts" USING btree ("webhook_next_at");--> statement-breakpoint
CREATE INDEX "api_keys_changed_idx" ON "api_keys" USING btree ("changed_at");--> statement-breakpoint
CREATE INDEX "api_keys_account_idx" ON "api_keys" USING btree ("account_id","created_at");--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_previous_hash_unique" UNIQUE("previous_hash");--> statement-breakpoint
-- Element-wise sum of two histograms (a missing array counts as zeros).
CREATE OR REPLACE FUNCTION llmaas_hist_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i), '{}'::bigint[])
  FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$;
--> statement-breakpoint
-- A histogram of n buckets with one count in bucket idx (0-based); all zeros when idx is null.
CREATE OR REPLACE FUNCTION llmaas_hist_one(idx integer, n integer) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT array_agg(CASE WHEN g = idx THEN 1::bigint ELSE 0::bigint END ORDER BY g) FROM generate_series(0, n - 1) g
$$;
--> statement-breakpoint
CREATE AGGREGATE llmaas_hist_sum(bigint[]) (SFUNC = llmaas_hist_add, STYPE = bigint[]);
--> statement-breakpoint
-- Hourly rollups of the usage recorded so far (latency bounds as LATENCY_BUCKETS_MS in db/schema.ts).
INSERT INTO usage_hourly (hour, account_id, key_id, model_id, batch, requests, errors, prompt_tokens, completion_tokens,
  reasoning_tokens, search_units, audio_seconds, characters, images, cost_nanos, latency_hist, ttft_hist)
SELECT date_trunc('hour', created_at), account_id, key_id, coalesce(model_id, ''), false, count(*),
  count(*) FILTER (WHERE status >= 400), sum(prompt_tokens), sum(completion_tokens), sum(reasoning_tokens),
  sum(round(coalesce((units->>'search_units')::numeric, 0))), sum(ceil(coalesce((units->>'audio_seconds')::numeric, 0))),
  sum(round(coalesce((units->>'characters')::numeric, 0))), sum(round(coalesce((units->>'images')::numeric, 0))),
  sum(cost_nanos),
  llmaas_hist_sum(llmaas_hist_one(width_bucket(latency_ms, ARRAY[50,100,200,300,500,750,1000,1500,2000,3000,5000,7500,10000,15000,20000,30000,60000,120000,300000]), 20)),
  llmaas_hist_sum(llmaas_hist_one(CASE WHEN ttft_ms IS NULL THEN NULL ELSE width_bucket(ttft_ms, ARRAY[50,100,200,300,500,750,1000,1500,2000,3000,5000,7500,10000,15000,20000,30000,60000,120000,300000]) END, 20))
FROM usage_events
WHERE account_id IS NOT NULL AND key_id IS NOT NULL
GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- A usage debit is dated like its usage event (the request's start), when the caller says so, so that a
-- month's usage rollups and its ledger debits hold the same requests even across a month's boundary.
CREATE OR REPLACE FUNCTION llmaas_settle(
  p_reservation uuid, p_account uuid, p_actual jsonb, p_cost bigint, p_ledger jsonb
) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_holds jsonb;
BEGIN
  PERFORM 1 FROM account_balances WHERE account_id = p_account FOR UPDATE;
  DELETE FROM reservations WHERE id = p_reservation RETURNING holds INTO v_holds;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  UPDATE limit_counters c
    SET reserved = greatest(c.reserved - (x.value->>'amount')::bigint, 0),
        used = c.used + coalesce((p_actual->>(x.value->>'metric'))::bigint, 0)
    FROM jsonb_array_elements(v_holds->'counters') x
    WHERE c.scope_id = (x.value->>'scopeId')::uuid AND c.metric = x.value->>'metric' AND c.window_start = (x.value->>'windowStart')::timestamptz;
  UPDATE account_balances
    SET reserved_nanos = greatest(reserved_nanos - (v_holds->>'balanceNanos')::bigint, 0),
        balance_nanos = balance_nanos - p_cost, updated_at = now()
    WHERE account_id = p_account;
  IF p_cost <> 0 THEN
    INSERT INTO ledger_entries (account_id, kind, amount_nanos, usage_event_id, key_id, model_id, details, created_at)
      VALUES (p_account, 'usage', -p_cost, (p_ledger->>'usageEventId')::uuid, (p_ledger->>'keyId')::uuid, p_ledger->>'modelId',
        p_ledger->'details', coalesce((p_ledger->>'at')::timestamptz, now()));
  END IF;
  RETURN true;
END;
$$;
