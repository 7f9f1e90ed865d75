-- Leased limits. An instance takes a slice (a lease) of a limit in one atomic
-- step and admits requests against it in memory. A lease is part of its
-- counter's `reserved` (of the balance's `reserved_nanos` for the prepaid
-- balance, metric 'balance'), so every check on any instance still sees the sum
-- over all of them: the database never grants more than a limit holds. Every
-- function here locks the account's balance row first, like llmaas_reserve and
-- llmaas_settle, so changes to one account's limits never interleave.

-- Give back part of a lease (its unused part, or what a settled request took
-- from it): the lease and its counter (or the balance's reservation) shrink by
-- the same amount, never below zero. p_drain: nothing more is drawn from it; a
-- drained lease is deleted once empty. Returns what was given back (0 when the
-- lease is gone: reclaimed after its instance stopped beating).
CREATE OR REPLACE FUNCTION llmaas_lease_give_back(p_account uuid, p_lease uuid, p_amount bigint, p_drain boolean)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  l record;
  d bigint;
BEGIN
  SELECT scope_id, metric, window_start, amount, draining INTO l FROM limit_leases WHERE id = p_lease AND account_id = p_account FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;
  d := least(l.amount, greatest(p_amount, 0));
  IF d > 0 THEN
    IF l.metric = 'balance' THEN
      UPDATE account_balances SET reserved_nanos = greatest(reserved_nanos - d, 0), updated_at = now() WHERE account_id = p_account;
    ELSE
      UPDATE limit_counters SET reserved = greatest(reserved - d, 0) WHERE scope_id = l.scope_id AND metric = l.metric AND window_start = l.window_start;
    END IF;
  END IF;
  IF (l.draining OR p_drain) AND l.amount - d = 0 THEN
    DELETE FROM limit_leases WHERE id = p_lease;
  ELSE
    UPDATE limit_leases SET amount = amount - d, draining = draining OR p_drain WHERE id = p_lease;
  END IF;
  RETURN d;
END;
$$;
--> statement-breakpoint
-- Grant, top up and give back an account's leases of one instance, in order.
-- p_ops: [{"op":"grant","id","new","scopeId","metric","windowStart","since","until","limit","want","min","share"}
--       | {"op":"give","id","amount","drain"}].
-- A grant takes least(want, what is left / share), and nothing when that is
-- below min: near a limit leases shrink, then stop (requests then reserve one
-- by one). "new" creates the lease, else it is topped up (and reported gone
-- when it no longer exists). want 0 only reads the window. The balance's left
-- is zero until a prepaid tier's purchase credit (p_activation) is bought.
-- Returns per op {"granted","left","used","reserved","oldest","gone"} or {"given"}.
CREATE OR REPLACE FUNCTION llmaas_lease(p_account uuid, p_instance uuid, p_activation bigint, p_ops jsonb)
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
  out jsonb := '[]'::jsonb;
BEGIN
  INSERT INTO account_balances (account_id) VALUES (p_account) ON CONFLICT (account_id) DO NOTHING;
  PERFORM 1 FROM account_balances WHERE account_id = p_account FOR UPDATE;
  FOR op IN SELECT x.value FROM jsonb_array_elements(p_ops) WITH ORDINALITY AS x(value, ord) ORDER BY x.ord LOOP
    IF op->>'op' = 'give' THEN
      out := out || jsonb_build_array(jsonb_build_object('given',
        llmaas_lease_give_back(p_account, (op->>'id')::uuid, (op->>'amount')::bigint, coalesce((op->>'drain')::boolean, false))::text));
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
-- A request reserved one by one (near a limit, or without leases), as before,
-- with two additions: the instance's own unused leases on the request's limits
-- are given back first (p_give: [{"id","amount"}], drained), so a remnant too
-- small for the request does not stand in its way; and a sliding hold may
-- count up to a later bucket ("until": the next one, where a lease for it may
-- already be held). A refusal says how much other instances hold in live
-- leases of the refused limit ("elsewhere"): room that comes back when they
-- give it back.
CREATE OR REPLACE FUNCTION llmaas_reserve(
  p_account uuid, p_holds jsonb, p_balance_hold bigint, p_enforce_balance boolean,
  p_activation bigint, p_reservation jsonb, p_instance uuid, p_give jsonb
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
--> statement-breakpoint
-- Book a request admitted against leases: its usage counts in the buckets it
-- was admitted in, what it drew comes off its leases ("back": what it used,
-- plus what it left unused when its lease is drained; the rest went back to
-- the lease in memory), the balance and the ledger are debited, and a
-- checkpoint of it (a stream that ran longer than a heartbeat) is deleted.
-- p_holds: [{"leaseId"|null,"scopeId","metric","windowStart","used","back"}].
-- False, and nothing booked, when the request's usage event is already written
-- (a journal replayed after its batch committed, or a stream's checkpoint
-- billed by the sweeper): once, whatever happens.
CREATE OR REPLACE FUNCTION llmaas_settle_leased(
  p_account uuid, p_reservation uuid, p_event uuid, p_event_at timestamptz, p_holds jsonb, p_cost bigint, p_ledger jsonb
) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_balances (account_id) VALUES (p_account) ON CONFLICT (account_id) DO NOTHING;
  PERFORM 1 FROM account_balances WHERE account_id = p_account FOR UPDATE;
  IF EXISTS (SELECT 1 FROM usage_events WHERE id = p_event AND created_at = p_event_at) THEN
    RETURN false;
  END IF;
  DELETE FROM reservations WHERE id = p_reservation;
  PERFORM llmaas_lease_give_back(p_account, (h.value->>'leaseId')::uuid, (h.value->>'back')::bigint, false)
    FROM jsonb_array_elements(p_holds) h WHERE h.value->>'leaseId' IS NOT NULL;
  INSERT INTO limit_counters (scope_id, metric, window_start, used)
    SELECT (h.value->>'scopeId')::uuid, h.value->>'metric', (h.value->>'windowStart')::timestamptz, (h.value->>'used')::bigint
    FROM jsonb_array_elements(p_holds) h WHERE h.value->>'metric' <> 'balance' AND (h.value->>'used')::bigint <> 0
    ON CONFLICT (scope_id, metric, window_start) DO UPDATE SET used = limit_counters.used + excluded.used;
  UPDATE account_balances SET balance_nanos = balance_nanos - p_cost, updated_at = now() WHERE account_id = p_account;
  IF p_cost <> 0 THEN
    INSERT INTO ledger_entries (account_id, kind, amount_nanos, usage_event_id, key_id, model_id, details, created_at)
      VALUES (p_account, 'usage', -p_cost, (p_ledger->>'usageEventId')::uuid, (p_ledger->>'keyId')::uuid, p_ledger->>'modelId',
        p_ledger->'details', coalesce((p_ledger->>'at')::timestamptz, now()));
  END IF;
  RETURN true;
END;
$$;
--> statement-breakpoint
-- Checkpoint streams admitted against leases that outlive a heartbeat: a
-- reservations row (holds.leased) whose progress the sweeper bills if the
-- instance is lost. Not written for a stream whose usage event is already
-- there (it ended while the checkpoint was on its way).
CREATE OR REPLACE FUNCTION llmaas_checkpoint_leased(p_rows jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r jsonb;
BEGIN
  FOR r IN SELECT x.value FROM jsonb_array_elements(p_rows) x ORDER BY x.value->>'accountId', x.value->>'id' LOOP
    PERFORM 1 FROM account_balances WHERE account_id = (r->>'accountId')::uuid FOR UPDATE;
    CONTINUE WHEN EXISTS (SELECT 1 FROM usage_events WHERE id = (r->'holds'->>'usageEventId')::uuid AND created_at = (r->>'createdAt')::timestamptz);
    INSERT INTO reservations (id, request_id, account_id, key_id, user_id, instance_id, model_id, endpoint, holds, prices, progress, created_at)
      VALUES ((r->>'id')::uuid, r->>'requestId', (r->>'accountId')::uuid, (r->>'keyId')::uuid, (r->>'userId')::uuid,
        (r->>'instanceId')::uuid, r->>'modelId', r->>'endpoint', r->'holds', r->'prices', r->'progress', (r->>'createdAt')::timestamptz)
      ON CONFLICT (id) DO UPDATE SET progress = excluded.progress;
  END LOOP;
END;
$$;
--> statement-breakpoint
-- Take back the leases of instances that stopped beating (or left): each
-- lease's whole amount returns to its counter or balance. Returns how many.
CREATE OR REPLACE FUNCTION llmaas_reclaim_leases(p_stale_before timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  l record;
  n integer := 0;
BEGIN
  FOR l IN
    SELECT x.id, x.account_id FROM limit_leases x LEFT JOIN gateway_instances i ON i.id = x.instance_id
    WHERE i.id IS NULL OR i.heartbeat_at < p_stale_before
    ORDER BY x.account_id, x.id
  LOOP
    PERFORM 1 FROM account_balances WHERE account_id = l.account_id FOR UPDATE;
    PERFORM llmaas_lease_give_back(l.account_id, l.id, 9223372036854775807, true);
    n := n + 1;
  END LOOP;
  RETURN n;
END;
$$;
