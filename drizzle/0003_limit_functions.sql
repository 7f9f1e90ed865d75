-- Reserve and settle in one round trip each. Both lock the account's balance
-- row first: every change to an account's counters (and its keys') happens
-- under that lock, so checks and updates never interleave, whichever
-- instance runs them.

-- p_holds: [{"scopeId","metric","windowStart","amount","limit"}], limit null = counted only.
-- Returns {"ok":true,"counters":[{"used","reserved"}...]} or {"ok":false,"reason":...}.
CREATE OR REPLACE FUNCTION llmaas_reserve(
  p_account uuid, p_holds jsonb, p_balance_hold bigint, p_enforce_balance boolean,
  p_activation bigint, p_reservation jsonb
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  bal record;
  cur record;
  states jsonb := '[]'::jsonb;
BEGIN
  INSERT INTO account_balances (account_id) VALUES (p_account) ON CONFLICT (account_id) DO NOTHING;
  SELECT balance_nanos, reserved_nanos, purchased_nanos INTO bal FROM account_balances WHERE account_id = p_account FOR UPDATE;
  IF p_activation IS NOT NULL AND bal.purchased_nanos < p_activation THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'activation', 'purchased', bal.purchased_nanos::text);
  END IF;
  INSERT INTO limit_counters (scope_id, metric, window_start)
    SELECT (x.value->>'scopeId')::uuid, x.value->>'metric', (x.value->>'windowStart')::timestamptz
    FROM jsonb_array_elements(p_holds) x
    ON CONFLICT DO NOTHING;
  FOR cur IN
    SELECT x.ord - 1 AS idx, x.value AS h, c.used, c.reserved
    FROM jsonb_array_elements(p_holds) WITH ORDINALITY AS x(value, ord)
    JOIN limit_counters c ON c.scope_id = (x.value->>'scopeId')::uuid AND c.metric = x.value->>'metric'
      AND c.window_start = (x.value->>'windowStart')::timestamptz
    ORDER BY x.ord
  LOOP
    IF (cur.h->>'limit') IS NOT NULL AND cur.used + cur.reserved + (cur.h->>'amount')::bigint > (cur.h->>'limit')::bigint THEN
      RETURN jsonb_build_object('ok', false, 'reason', 'limit', 'index', cur.idx, 'used', cur.used::text, 'reserved', cur.reserved::text);
    END IF;
    states := states || jsonb_build_array(jsonb_build_object('used', cur.used::text, 'reserved', (cur.reserved + (cur.h->>'amount')::bigint)::text));
  END LOOP;
  IF p_enforce_balance AND bal.balance_nanos - bal.reserved_nanos - p_balance_hold < 0 THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'balance', 'balance', bal.balance_nanos::text, 'reserved', bal.reserved_nanos::text);
  END IF;
  UPDATE limit_counters c SET reserved = c.reserved + (x.value->>'amount')::bigint
    FROM jsonb_array_elements(p_holds) x
    WHERE c.scope_id = (x.value->>'scopeId')::uuid AND c.metric = x.value->>'metric' AND c.window_start = (x.value->>'windowStart')::timestamptz;
  UPDATE account_balances SET reserved_nanos = reserved_nanos + p_balance_hold, updated_at = now() WHERE account_id = p_account;
  INSERT INTO reservations (id, request_id, account_id, key_id, user_id, instance_id, model_id, endpoint, holds, prices, progress)
    VALUES ((p_reservation->>'id')::uuid, p_reservation->>'requestId', p_account, (p_reservation->>'keyId')::uuid,
      (p_reservation->>'userId')::uuid, (p_reservation->>'instanceId')::uuid, p_reservation->>'modelId', p_reservation->>'endpoint',
      p_reservation->'holds', p_reservation->'prices', p_reservation->'progress');
  RETURN jsonb_build_object('ok', true, 'counters', states,
    'balance', bal.balance_nanos::text, 'reserved', (bal.reserved_nanos + p_balance_hold)::text);
END;
$$;
--> statement-breakpoint
-- Give a reservation back and book the real usage: counters, balance, ledger.
-- False when it was already settled (by another instance's sweeper).
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
    INSERT INTO ledger_entries (account_id, kind, amount_nanos, usage_event_id, key_id, model_id, details)
      VALUES (p_account, 'usage', -p_cost, (p_ledger->>'usageEventId')::uuid, (p_ledger->>'keyId')::uuid, p_ledger->>'modelId', p_ledger->'details');
  END IF;
  RETURN true;
END;
$$;
