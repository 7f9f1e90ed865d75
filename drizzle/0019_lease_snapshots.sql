-- What an instance's own leases held when a snapshot was taken, and the order
-- of the snapshots. The lease and reservation functions answer with the state
-- of the counters they read (used, reserved, oldest bucket), from which an
-- instance tells X-RateLimit-Remaining. A counter's `reserved` counts every
-- lease whole, this instance's too, whose unused part is room of its own: the
-- instance adds it back from what it knows of its leases in memory. Draws and
-- settlements happen in memory first; grants happen in the database first, so
-- memory and a snapshot may disagree by the grants of a lease call in flight
-- (committed before the snapshot and applied after its answer is read, or
-- committed after it and applied before); gives of leases closed in memory
-- reach the database after they are closed. The answers list this instance's
-- lease rows of each counter as the snapshot saw them: what was granted to
-- each so far (limit_leases.granted, only ever raised, by grants) and whether
-- it was given back (draining), so the instance counts exactly the room the
-- snapshot counted as reserved. Every snapshot carries a number from
-- limit_snapshots_seq taken under the account's lock (its balance row, held to
-- the end of the transaction), so the numbers of one account's snapshots follow
-- the order their transactions committed in: an instance keeps the newest
-- state of a counter, whatever order the answers arrive in. The sequence keeps
-- the default cache of 1 (a session caching numbers would break the order).
ALTER TABLE "limit_leases" ADD COLUMN "granted" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "limit_leases" SET "granted" = "amount";--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS "limit_snapshots_seq" AS bigint;--> statement-breakpoint
-- As in 0018; a grant raises its lease's `granted` too, and each grant's
-- answer carries its snapshot's number ("seq") and this instance's leases of
-- the counter as it saw them, its own grant applied ("own").
CREATE OR REPLACE FUNCTION llmaas_lease(p_account uuid, p_instance uuid, p_activation bigint, p_ops jsonb, p_account_version bigint, p_tier_version bigint)
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
  v_seq bigint;
  v_own jsonb;
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
    v_seq := nextval('limit_snapshots_seq');
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
        INSERT INTO limit_leases (id, instance_id, account_id, scope_id, metric, window_start, amount, granted)
          VALUES ((op->>'id')::uuid, p_instance, p_account, (op->>'scopeId')::uuid, op->>'metric', v_ws, g, g);
      ELSE
        UPDATE limit_leases SET amount = amount + g, granted = granted + g WHERE id = (op->>'id')::uuid AND account_id = p_account AND NOT draining;
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
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'granted', l.granted::text, 'draining', l.draining)), '[]'::jsonb) INTO v_own
      FROM limit_leases l
      WHERE l.scope_id = (op->>'scopeId')::uuid AND l.metric = op->>'metric' AND l.instance_id = p_instance
        AND l.window_start >= coalesce((op->>'since')::timestamptz, v_ws) AND l.window_start <= coalesce((op->>'until')::timestamptz, v_ws);
    out := out || jsonb_build_array(jsonb_build_object('granted', g::text, 'left', (v_left - g)::text, 'used', v_used::text,
      'reserved', (v_reserved + g)::text, 'oldest', v_oldest, 'gone', v_gone, 'seq', v_seq::text, 'own', v_own));
  END LOOP;
  RETURN out;
END;
$$;
--> statement-breakpoint
-- As in 0018; the answer carries its snapshot's number ("seq"), and each
-- counter's state this instance's leases of that counter as the snapshot saw
-- them ("own": [{"id","granted","draining"}]).
CREATE OR REPLACE FUNCTION llmaas_reserve(
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
    SELECT x.ord - 1 AS idx, x.value AS h, s.used, s.reserved, s.oldest, o.own
    FROM jsonb_array_elements(p_holds) WITH ORDINALITY AS x(value, ord)
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(c.used), 0)::bigint AS used, coalesce(sum(c.reserved), 0)::bigint AS reserved,
        min(c.window_start) FILTER (WHERE c.used + c.reserved > 0) AS oldest
      FROM limit_counters c
      WHERE c.scope_id = (x.value->>'scopeId')::uuid AND c.metric = x.value->>'metric'
        AND c.window_start >= coalesce((x.value->>'since')::timestamptz, (x.value->>'windowStart')::timestamptz)
        AND c.window_start <= coalesce((x.value->>'until')::timestamptz, (x.value->>'windowStart')::timestamptz)
    ) s
    CROSS JOIN LATERAL (
      SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'granted', l.granted::text, 'draining', l.draining)), '[]'::jsonb) AS own
      FROM limit_leases l
      WHERE l.scope_id = (x.value->>'scopeId')::uuid AND l.metric = x.value->>'metric' AND l.instance_id = p_instance
        AND l.window_start >= coalesce((x.value->>'since')::timestamptz, (x.value->>'windowStart')::timestamptz)
        AND l.window_start <= coalesce((x.value->>'until')::timestamptz, (x.value->>'windowStart')::timestamptz)
    ) o
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
      'oldest', CASE WHEN amount > 0 THEN least(coalesce(cur.oldest, (cur.h->>'windowStart')::timestamptz), (cur.h->>'windowStart')::timestamptz) ELSE cur.oldest END,
      'own', cur.own));
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
  RETURN jsonb_build_object('ok', true, 'counters', states, 'seq', nextval('limit_snapshots_seq')::text,
    'balance', bal.balance_nanos::text, 'reserved', (bal.reserved_nanos + p_balance_hold)::text);
END;
$$;
