-- llmaas_settle_leased_set, with the same outcome for less work per batch.
-- Whether a request's usage event is written already is now asked of the
-- usage_events primary key, one probe per request: as a NOT EXISTS, the
-- planner could hash the whole month's partition instead (it did while the
-- partition's statistics still said it was small), a cost that grew with
-- every request of the month.
CREATE OR REPLACE FUNCTION llmaas_settle_leased_set(p_rows jsonb) RETURNS SETOF integer LANGUAGE plpgsql AS $$
DECLARE
  v_fresh integer[];
  l record;
BEGIN
  INSERT INTO account_balances (account_id)
    SELECT DISTINCT t.a FROM jsonb_to_recordset(p_rows) AS t(a uuid) ORDER BY t.a
    ON CONFLICT (account_id) DO NOTHING;
  PERFORM 1 FROM account_balances
    WHERE account_id IN (SELECT t.a FROM jsonb_to_recordset(p_rows) AS t(a uuid))
    ORDER BY account_id FOR UPDATE;
  -- The LIMIT keeps the lookup a probe of the primary key for each request (see above).
  SELECT coalesce(array_agg(x.i), '{}') INTO v_fresh FROM (
    SELECT DISTINCT ON (t.e) t.i, t.e, t.at FROM jsonb_to_recordset(p_rows) AS t(i integer, e uuid, at timestamptz) ORDER BY t.e, t.i
  ) x LEFT JOIN LATERAL (SELECT 1 AS found FROM usage_events u WHERE u.id = x.e AND u.created_at = x.at LIMIT 1) k ON true
  WHERE k.found IS NULL;
  IF cardinality(v_fresh) = 0 THEN
    RETURN;
  END IF;
  DELETE FROM reservations WHERE id IN (
    SELECT t.r FROM jsonb_to_recordset(p_rows) AS t(i integer, r uuid) WHERE t.i = ANY (v_fresh));
  FOR l IN
    SELECT t.a, (h.value->>'leaseId')::uuid AS lease, sum((h.value->>'back')::bigint)::bigint AS back
    FROM jsonb_to_recordset(p_rows) AS t(i integer, a uuid, holds jsonb), jsonb_array_elements(t.holds) h
    WHERE t.i = ANY (v_fresh) AND h.value->>'leaseId' IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
  LOOP
    PERFORM llmaas_lease_give_back(l.a, l.lease, l.back, false);
  END LOOP;
  INSERT INTO limit_counters (scope_id, metric, window_start, used)
    SELECT (h.value->>'scopeId')::uuid, h.value->>'metric', (h.value->>'windowStart')::timestamptz, sum((h.value->>'used')::bigint)::bigint
    FROM jsonb_to_recordset(p_rows) AS t(i integer, holds jsonb), jsonb_array_elements(t.holds) h
    WHERE t.i = ANY (v_fresh) AND h.value->>'metric' <> 'balance'
    GROUP BY 1, 2, 3 HAVING sum((h.value->>'used')::bigint) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (scope_id, metric, window_start) DO UPDATE SET used = limit_counters.used + excluded.used;
  UPDATE account_balances b SET balance_nanos = b.balance_nanos - s.cost, updated_at = now()
    FROM (SELECT t.a, sum(t.cost)::bigint AS cost FROM jsonb_to_recordset(p_rows) AS t(i integer, a uuid, cost bigint) WHERE t.i = ANY (v_fresh) GROUP BY t.a) s
    WHERE b.account_id = s.a;
  INSERT INTO ledger_entries (account_id, kind, amount_nanos, usage_event_id, key_id, model_id, details, created_at)
    SELECT t.a, 'usage', -t.cost, (t.ledger->>'usageEventId')::uuid, (t.ledger->>'keyId')::uuid, t.ledger->>'modelId',
      t.ledger->'details', coalesce((t.ledger->>'at')::timestamptz, now())
    FROM jsonb_to_recordset(p_rows) AS t(i integer, a uuid, cost bigint, ledger jsonb)
    WHERE t.i = ANY (v_fresh) AND t.cost <> 0 ORDER BY t.i;
  RETURN QUERY SELECT unnest(v_fresh);
END;
$$;
