-- Monthly partitions of usage_events. A default partition catches any row
-- whose month has no partition yet, so an insert never fails; the application
-- creates the current and next months' partitions at start and every day.
CREATE TABLE IF NOT EXISTS "usage_events_default" PARTITION OF "usage_events" DEFAULT;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION llmaas_ensure_usage_partition(month_start date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  start_ts timestamptz := date_trunc('month', month_start)::date;
  end_ts timestamptz := (date_trunc('month', month_start) + interval '1 month')::date;
  part_name text := format('usage_events_%s', to_char(month_start, 'YYYY_MM'));
BEGIN
  IF to_regclass(part_name) IS NULL THEN
    -- Rows already caught by the default partition for that month move into
    -- the new one, otherwise Postgres refuses to attach it.
    EXECUTE format('CREATE TABLE %I (LIKE usage_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part_name);
    EXECUTE format(
      'WITH moved AS (DELETE FROM usage_events_default WHERE created_at >= %L AND created_at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
      start_ts, end_ts, part_name);
    EXECUTE format('ALTER TABLE usage_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part_name, start_ts, end_ts);
  END IF;
END;
$$;
--> statement-breakpoint
INSERT INTO "tiers" ("name", "description", "purchase_credit_nanos", "monthly_limit_nanos", "output_tokens_per_hour", "output_tokens_per_day", "requests_per_minute", "postpaid", "high_priority", "builtin") VALUES
  ('Tier 1', 'Standard usage', 200000000000, 1000000000000, 150000, 3600000, 1000, false, false, true),
  ('Tier 2', 'Professional use', 500000000000, 3000000000000, 300000, 7200000, 1000, false, false, true),
  ('Tier 3', 'High volume', 1000000000000, 5000000000000, 450000, 10800000, 1000, false, false, true),
  ('Tier 4', 'Enterprise', 4000000000000, 10000000000000, 600000, 14400000, 1000, false, false, true),
  ('Monthly Billing', 'Sales contact: post-paid, invoiced monthly, no monthly cap, high priority', NULL, NULL, NULL, NULL, 1000, true, true, true)
ON CONFLICT ("name") DO NOTHING;
--> statement-breakpoint
-- Reference prices in nano-euros per unit (1.8 €/M tokens = 1800 n€ per token).
INSERT INTO "prices" ("model_id", "unit", "nanos_per_unit", "effective_from") VALUES
  (NULL, 'input_token', 1800, '2000-01-01'),
  (NULL, 'output_token', 8000, '2000-01-01'),
  (NULL, 'reasoning_token', 8000, '2000-01-01'),
  (NULL, 'rerank_token', 4000, '2000-01-01'),
  (NULL, 'batch_input_token', 900, '2000-01-01'),
  (NULL, 'batch_output_token', 4000, '2000-01-01'),
  (NULL, 'audio_minute', 10000000, '2000-01-01'),
  (NULL, 'speech_character', 15000, '2000-01-01'),
  (NULL, 'image', 40000000, '2000-01-01');
