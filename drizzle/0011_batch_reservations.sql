-- A batch line's reservation says so (batch_id): if its instance is lost, the
-- sweeper gives it back unbilled, because the line runs again elsewhere.
CREATE OR REPLACE FUNCTION llmaas_reserve(
  p_account uuid, p_holds jsonb, p_balance_hold bigint, p_enforce_balance boolean,
  p_activation bigint, p_reservation jsonb
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  bal record;
  cur record;
  amount bigint;
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
    SELECT x.ord - 1 AS idx, x.value AS h, s.used, s.reserved, s.oldest
    FROM jsonb_array_elements(p_holds) WITH ORDINALITY AS x(value, ord)
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(c.used), 0)::bigint AS used, coalesce(sum(c.reserved), 0)::bigint AS reserved,
        min(c.window_start) FILTER (WHERE c.used + c.reserved > 0) AS oldest
      FROM limit_counters c
      WHERE c.scope_id = (x.value->>'scopeId')::uuid AND c.metric = x.value->>'metric'
        AND c.window_start >= coalesce((x.value->>'since')::timestamptz, (x.value->>'windowStart')::timestamptz)
        AND c.window_start <= (x.value->>'windowStart')::timestamptz
    ) s
    ORDER BY x.ord
  LOOP
    amount := (cur.h->>'amount')::bigint;
    IF (cur.h->>'limit') IS NOT NULL AND cur.used + cur.reserved + amount > (cur.h->>'limit')::bigint THEN
      RETURN jsonb_build_object('ok', false, 'reason', 'limit', 'index', cur.idx, 'used', cur.used::text, 'reserved', cur.reserved::text);
    END IF;
    states := states || jsonb_build_array(jsonb_build_object('used', cur.used::text, 'reserved', (cur.reserved + amount)::text,
      'oldest', CASE WHEN amount > 0 THEN coalesce(cur.oldest, (cur.h->>'windowStart')::timestamptz) ELSE cur.oldest END));
  END LOOP;
  IF p_enforce_balance AND bal.balance_nanos - bal.reserved_nanos - p_balance_hold < 0 THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'balance', 'balance', bal.balance_nanos::text, 'reserved', bal.reserved_nanos::text);
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
