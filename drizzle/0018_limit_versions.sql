ALTER TABLE "tiers" ADD COLUMN "limits_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "limits_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "gateway_instances" ADD COLUMN "limits_seen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Limits changed, exactly. An account's limits are its tier's, its own budget
-- and its keys' own limits. Each change to them raises a version (the
-- account's for its own and its keys', the tier's for the tier's) and the
-- 'limits' topic, in the transaction of the change. Every lease grant and
-- every reservation in the database carries the versions its instance read
-- the limits under, and is refused ('stale') when they are no longer the
-- account's: the instance reads them again and retries. Checks and changes
-- are serialised (the account's balance row; the tier's advisory lock), so a
-- grant or reservation is checked and committed wholly before a change or
-- wholly after it, against the new limits. What instances hold in leases
-- taken before is closed as they see the topic move (see lib/limits/leases.ts).
INSERT INTO "config_versions" ("topic") VALUES ('limits') ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION llmaas_limits_topic() RETURNS void LANGUAGE sql AS $$
  INSERT INTO config_versions (topic, version, changed_at) VALUES ('limits', 1, now())
    ON CONFLICT (topic) DO UPDATE SET version = config_versions.version + 1, changed_at = now();
$$;
--> statement-breakpoint
-- An account's tier or own budget changed, or (raised by the key trigger) one
-- of its keys' limits: its version moves once the grants and reservations of
-- the account in progress are over (they hold its balance row).
CREATE OR REPLACE FUNCTION llmaas_account_limits_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tier_id IS DISTINCT FROM OLD.tier_id OR NEW.monthly_budget_nanos IS DISTINCT FROM OLD.monthly_budget_nanos THEN
    NEW.limits_version := OLD.limits_version + 1;
  END IF;
  IF NEW.limits_version IS DISTINCT FROM OLD.limits_version THEN
    INSERT INTO account_balances (account_id) VALUES (NEW.id) ON CONFLICT (account_id) DO NOTHING;
    PERFORM 1 FROM account_balances WHERE account_id = NEW.id FOR UPDATE;
    PERFORM llmaas_limits_topic();
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER accounts_limits_version BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION llmaas_account_limits_changed();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION llmaas_key_limits_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE accounts SET limits_version = limits_version + 1 WHERE id = NEW.account_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER api_keys_limits_version AFTER UPDATE OF monthly_budget_nanos, output_tokens_per_hour, output_tokens_per_day ON api_keys FOR EACH ROW
  WHEN (NEW.monthly_budget_nanos IS DISTINCT FROM OLD.monthly_budget_nanos OR NEW.output_tokens_per_hour IS DISTINCT FROM OLD.output_tokens_per_hour
    OR NEW.output_tokens_per_day IS DISTINCT FROM OLD.output_tokens_per_day)
  EXECUTE FUNCTION llmaas_key_limits_changed();
--> statement-breakpoint
-- A tier's limits changed: its version moves once the grants and reservations
-- in progress of its accounts are over (they hold its advisory lock shared).
CREATE OR REPLACE FUNCTION llmaas_tier_limits_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.purchase_credit_nanos IS DISTINCT FROM OLD.purchase_credit_nanos OR NEW.monthly_limit_nanos IS DISTINCT FROM OLD.monthly_limit_nanos
    OR NEW.output_tokens_per_hour IS DISTINCT FROM OLD.output_tokens_per_hour OR NEW.output_tokens_per_day IS DISTINCT FROM OLD.output_tokens_per_day
    OR NEW.requests_per_minute IS DISTINCT FROM OLD.requests_per_minute OR NEW.postpaid IS DISTINCT FROM OLD.postpaid THEN
    PERFORM pg_advisory_xact_lock(727281, NEW.id);
    NEW.limits_version := OLD.limits_version + 1;
    PERFORM llmaas_limits_topic();
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tiers_limits_version BEFORE UPDATE ON tiers FOR EACH ROW EXECUTE FUNCTION llmaas_tier_limits_changed();
--> statement-breakpoint
-- Whether the limits an instance read (the account's and its tier's versions)
-- are still the account's. Called with the account's balance row locked; the
-- tier's advisory lock is taken shared here, until the end of the transaction.
CREATE OR REPLACE FUNCTION llmaas_limits_current(p_account uuid, p_account_version bigint, p_tier_version bigint) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  a record;
  v bigint;
BEGIN
  SELECT limits_version, tier_id INTO a FROM accounts WHERE id = p_account;
  IF NOT FOUND OR a.limits_version IS DISTINCT FROM p_account_version THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(727281, a.tier_id);
  SELECT limits_version INTO v FROM tiers WHERE id = a.tier_id;
  RETURN v IS NOT DISTINCT FROM p_tier_version;
END $$;
--> statement-breakpoint
DROP FUNCTION IF EXISTS llmaas_lease(uuid, uuid, bigint, jsonb);
--> statement-breakpoint
-- As in 0016, with the versions of the limits the grants were asked under:
-- when they are stale, gives are done and every grant is refused
-- ({"granted":"0","stale":true}).
CREATE FUNCTION llmaas_lease(p_account uuid, p_instance uuid, p_activation bigint, p_ops jsonb, p_account_version bigint, p_tier_version bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  bal record;
  op jsonb;
  s record;
  v_ws timestamptz;
  v_left bigint;
  v_used bigint;
  v_reserved bigint;
  v_oldest timestamptz;
  g bigint;
  v_gone boolean;
  v_current boolean;
  out jsonb := '[]'::jsonb;
BEGIN
  INSERT INTO account_balances (account_id) VALUES (p_account) ON CONFLICT (account_id) DO NOTHING;
  PERFORM 1 FROM account_balances WHERE account_id = p_account FOR UPDATE;
  v_current := llmaas_limits_current(p_account, p_account_version, p_tier_version);
  FOR op IN SELECT x.value FROM jsonb_array_elements(p_ops) WITH ORDINALITY AS x(value, ord) ORDER BY x.ord LOOP
    IF op->>'op' = 'give' THEN
      out := out || jsonb_build_array(jsonb_build_object('given',
        llmaas_lease_give_back(p_account, (op->>'id')::uuid, (op->>'amount')::bigint, coalesce((op->>'drain')::boolean, false))::text));
      CONTINUE;
    END IF;
    IF NOT v_current THEN
      out := out || jsonb_build_array(jsonb_build_object('granted', '0', 'left', '0', 'used', '0', 'reserved', '0', 'oldest', null, 'gone', false, 'stale', true));
      CONTINUE;
    END IF;
    v_ws := (op->>'windowStart')::timestamptz;
    v_gone := false;
    v_oldest := null;
    IF op->>'metric' = 'balance' THEN
      SELECT balance_nanos, reserved_nanos, purchased_nanos INTO bal FROM account_balances WHERE account_id = p_account;
      v_used := 0;
      v_reserved := bal.reserved_nanos;
      v_left := CASE WHEN p_activation IS NOT NULL AND bal.purchased_nanos < p_activation THEN 0 ELSE bal.balance_nanos - bal.reserved_nanos END;
    ELSE
      INSERT INTO limit_counters (scope_id, metric, window_start) VALUES ((op->>'scopeId')::uuid, op->>'metric', v_ws) ON CONFLICT DO NOTHING;
      SELECT coalesce(sum(c.used), 0)::bigint AS used, coalesce(sum(c.reserved), 0)::bigint AS reserved,
          min(c.window_start) FILTER (WHERE c.used + c.reserved > 0) AS oldest INTO s
        FROM limit_counters c
        WHERE c.scope_id = (op->>'scopeId')::uuid AND c.metric = op->>'metric'
          AND c.window_start >= coalesce((op->>'since')::timestamptz, v_ws) AND c.window_start <= coalesce((op->>'until')::timestamptz, v_ws);
      v_used := s.used;
      v_reserved := s.reserved;
      v_oldest := s.oldest;
      v_left := (op->>'limit')::bigint - s.used - s.reserved;
    END IF;
    g := least((op->>'want')::bigint, greatest(v_left, 0) / greatest(coalesce((op->>'share')::bigint, 1), 1));
    IF g < greatest(coalesce((op->>'min')::bigint, 1), 1) THEN
      g := 0;
    END IF;
    IF g > 0 THEN
      IF coalesce((op->>'new')::boolean, false) THEN
        INSERT INTO limit_leases (id, instance_id, account_id, scope_id, metric, window_start, amount)
          VALUES ((op->>'id')::uuid, p_instance, p_account, (op->>'scopeId')::uuid, op->>'metric', v_ws, g);
      ELSE
        UPDATE limit_leases SET amount = amount + g WHERE id = (op->>'id')::uuid AND account_id = p_account AND NOT draining;
        IF NOT FOUND THEN
          v_gone := true;
          g := 0;
        END IF;
      END IF;
    END IF;
    IF g > 0 THEN
      IF op->>'metric' = 'balance' THEN
        UPDATE account_balances SET reserved_nanos = reserved_nanos + g, updated_at = now() WHERE account_id = p_account;
      ELSE
        UPDATE limit_counters SET reserved = reserved + g WHERE scope_id = (op->>'scopeId')::uuid AND metric = op->>'metric' AND window_start = v_ws;
        v_oldest := least(coalesce(v_oldest, v_ws), v_ws);
      END IF;
    END IF;
    out := out || jsonb_build_array(jsonb_build_object('granted', g::text, 'left', (v_left - g)::text, 'used', v_used::text,
      'reserved', (v_reserved + g)::text, 'oldest', v_oldest, 'gone', v_gone));
  END LOOP;
  RETURN out;
END;
$$;
--> statement-breakpoint
DROP FUNCTION IF EXISTS llmaas_reserve(uuid, jsonb, bigint, boolean, bigint, jsonb, uuid, jsonb);
--> statement-breakpoint
-- As in 0016, with the versions of the limits the holds were read under: when
-- they are stale, the gives are done and nothing is reserved
-- ({"ok":false,"reason":"stale"}).
CREATE FUNCTION llmaas_reserve(
  p_account uuid, p_holds jsonb, p_balance_hold bigint, p_enforce_balance boolean,
  p_activation bigint, p_reservation jsonb, p_instance uuid, p_give jsonb,
  p_account_version bigint, p_tier_version bigint
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  bal record;
  cur record;
  amount bigint;
  v_elsewhere bigint;
  states jsonb := '[]'::jsonb;
BEGIN
  INSERT INTO account_balances (account_id) VALUES (p_account) ON CONFLICT (account_id) DO NOTHING;
  PERFORM 1 FROM account_balances WHERE account_id = p_account FOR UPDATE;
  PERFORM llmaas_lease_give_back(p_account, (x.value->>'id')::uuid, (x.value->>'amount')::bigint, true)
    FROM jsonb_array_elements(coalesce(p_give, '[]'::jsonb)) x;
  IF NOT llmaas_limits_current(p_account, p_account_version, p_tier_version) THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'stale');
  END IF;
  SELECT balance_nanos, reserved_nanos, purchased_nanos INTO bal FROM account_balances WHERE account_id = p_account;
  IF p_activation IS NOT NULL AND bal.purchased_nanos < p_activation THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'activation', 'purchased', bal.purchased_nanos::text);
  END IF;
  INSERT INTO limit_counters (scope_id, metric, window_start)
    SELECT (x.value->>'scopeId')::uuid, x.value->>'metric', (x.value->>'windowStart')::timestamptz
    FROM jsonb_array_elements(p_holds) x
    ON CONFLICT DO NOTHING;
  FOR cur IN
    SELECT x.ord - 1 AS idx, x.value AS h, s.used, s.reserved, s.oldest
    FROM jsonb_array_elements(p_holds) WITH ORDINALITY AS x(value, ord)
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(c.used), 0)::bigint AS used, coalesce(sum(c.reserved), 0)::bigint AS reserved,
        min(c.window_start) FILTER (WHERE c.used + c.reserved > 0) AS oldest
      FROM limit_counters c
      WHERE c.scope_id = (x.value->>'scopeId')::uuid AND c.metric = x.value->>'metric'
        AND c.window_start >= coalesce((x.value->>'since')::timestamptz, (x.value->>'windowStart')::timestamptz)
        AND c.window_start <= coalesce((x.value->>'until')::timestamptz, (x.value->>'windowStart')::timestamptz)
    ) s
    ORDER BY x.ord
  LOOP
    amount := (cur.h->>'amount')::bigint;
    IF (cur.h->>'limit') IS NOT NULL AND cur.used + cur.reserved + amount > (cur.h->>'limit')::bigint THEN
      SELECT coalesce(sum(l.amount), 0)::bigint INTO v_elsewhere FROM limit_leases l
        WHERE l.scope_id = (cur.h->>'scopeId')::uuid AND l.metric = cur.h->>'metric' AND NOT l.draining AND l.instance_id <> p_instance
          AND l.window_start >= coalesce((cur.h->>'since')::timestamptz, (cur.h->>'windowStart')::timestamptz)
          AND l.window_start <= coalesce((cur.h->>'until')::timestamptz, (cur.h->>'windowStart')::timestamptz);
      RETURN jsonb_build_object('ok', false, 'reason', 'limit', 'index', cur.idx, 'used', cur.used::text, 'reserved', cur.reserved::text,
        'elsewhere', v_elsewhere::text);
    END IF;
    states := states || jsonb_build_array(jsonb_build_object('used', cur.used::text, 'reserved', (cur.reserved + amount)::text,
      'oldest', CASE WHEN amount > 0 THEN least(coalesce(cur.oldest, (cur.h->>'windowStart')::timestamptz), (cur.h->>'windowStart')::timestamptz) ELSE cur.oldest END));
  END LOOP;
  IF p_enforce_balance AND bal.balance_nanos - bal.reserved_nanos - p_balance_hold < 0 THEN
    SELECT coalesce(sum(l.amount), 0)::bigint INTO v_elsewhere FROM limit_leases l
      WHERE l.account_id = p_account AND l.metric = 'balance' AND NOT l.draining AND l.instance_id <> p_instance;
    RETURN jsonb_build_object('ok', false, 'reason', 'balance', 'balance', bal.balance_nanos::text, 'reserved', bal.reserved_nanos::text,
      'elsewhere', v_elsewhere::text);
  END IF;
  UPDATE limit_counters c SET reserved = c.reserved + (x.value->>'amount')::bigint
    FROM jsonb_array_elements(p_holds) x
    WHERE c.scope_id = (x.value->>'scopeId')::uuid AND c.metric = x.value->>'metric' AND c.window_start = (x.value->>'windowStart')::timestamptz;
  UPDATE account_balances SET reserved_nanos = reserved_nanos + p_balance_hold, updated_at = now() WHERE account_id = p_account;
  INSERT INTO reservations (id, request_id, account_id, key_id, user_id, instance_id, model_id, endpoint, holds, prices, progress, batch_id)
    VALUES ((p_reservation->>'id')::uuid, p_reservation->>'requestId', p_account, (p_reservation->>'keyId')::uuid,
      (p_reservation->>'userId')::uuid, (p_reservation->>'instanceId')::uuid, p_reservation->>'modelId', p_reservation->>'endpoint',
      p_reservation->'holds', p_reservation->'prices', p_reservation->'progress', p_reservation->>'batchId');
  RETURN jsonb_build_object('ok', true, 'counters', states,
    'balance', bal.balance_nanos::text, 'reserved', (bal.reserved_nanos + p_balance_hold)::text);
END;
$$;
