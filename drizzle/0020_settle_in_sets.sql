-- Settle a batch of requests admitted against leases in a few set-based
-- statements instead of a dozen per request. Every request of a busy account
-- touches the same rows (its balance, its counters, the instance's leases):
-- settled one by one, each of those rows was updated once per request, and in
-- one transaction every update of a row walks the versions the earlier ones
-- left, so a batch of n requests cost O(n²) and held the account's lock for
-- up to a second under load (every lease and reservation call of the account,
-- on every instance, waited for it). Here each row is updated once per batch,
-- with the sum of what the batch's requests did to it; the outcome is the
-- same as settling them one after the other (a lease gives back at most what
-- it holds, whatever the order).
-- p_rows: [{"i","a" (account),"r" (reservation),"e" (usage event),"at" (its
-- time),"holds":[{"leaseId","scopeId","metric","windowStart","used","back"}],
-- "cost","ledger"}]. Returns the "i" of each request settled here: not those
-- whose usage event is already written (settled by an earlier batch, or by the
-- sweeper after the instance was lost), and each usage event once.
-- llmaas_settle and llmaas_settle_leased stay, for instances of the previous
-- version still running during an upgrade.
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
  SELECT coalesce(array_agg(x.i), '{}') INTO v_fresh FROM (
    SELECT DISTINCT ON (t.e) t.i, t.e, t.at FROM jsonb_to_recordset(p_rows) AS t(i integer, e uuid, at timestamptz) ORDER BY t.e, t.i
  ) x WHERE NOT EXISTS (SELECT 1 FROM usage_events u WHERE u.id = x.e AND u.created_at = x.at);
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
--> statement-breakpoint
-- The same for requests reserved one by one in the database (near a limit,
-- or an account too quiet to lease): each reservation is deleted (it is
-- settled once: one already gone was settled before), and each counter and
-- balance they held is updated once, with the sums of their holds and usage.
-- p_rows: [{"i","r" (reservation),"a" (account),"actual","cost","ledger"}].
-- Returns the "i" of each reservation settled here (the first of a
-- reservation given twice).
CREATE OR REPLACE FUNCTION llmaas_settle_set(p_rows jsonb) RETURNS SETOF integer LANGUAGE plpgsql AS $$
DECLARE
  v_done jsonb;
BEGIN
  PERFORM 1 FROM account_balances
    WHERE account_id IN (SELECT t.a FROM jsonb_to_recordset(p_rows) AS t(a uuid))
    ORDER BY account_id FOR UPDATE;
  WITH d AS (
    DELETE FROM reservations r USING (
      SELECT DISTINCT ON (x.r) x.* FROM jsonb_to_recordset(p_rows) AS x(i integer, r uuid, a uuid, actual jsonb, cost bigint, ledger jsonb) ORDER BY x.r, x.i
    ) t
    WHERE r.id = t.r AND r.account_id = t.a
    RETURNING t.i, t.a, t.actual, t.cost, t.ledger, r.holds
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object('i', d.i, 'a', d.a, 'actual', d.actual, 'cost', d.cost, 'ledger', d.ledger, 'holds', d.holds) ORDER BY d.i), '[]')
    INTO v_done FROM d;
  IF jsonb_array_length(v_done) = 0 THEN
    RETURN;
  END IF;
  UPDATE limit_counters c
    SET reserved = greatest(c.reserved - s.amount, 0), used = c.used + s.used
    FROM (
      SELECT (x.value->>'scopeId')::uuid AS scope_id, x.value->>'metric' AS metric, (x.value->>'windowStart')::timestamptz AS window_start,
        sum((x.value->>'amount')::bigint)::bigint AS amount, sum(coalesce((t.actual->>(x.value->>'metric'))::bigint, 0))::bigint AS used
      FROM jsonb_to_recordset(v_done) AS t(actual jsonb, holds jsonb), jsonb_array_elements(t.holds->'counters') x
      GROUP BY 1, 2, 3
    ) s
    WHERE c.scope_id = s.scope_id AND c.metric = s.metric AND c.window_start = s.window_start;
  UPDATE account_balances b
    SET reserved_nanos = greatest(b.reserved_nanos - s.held, 0), balance_nanos = b.balance_nanos - s.cost, updated_at = now()
    FROM (
      SELECT t.a, sum(coalesce((t.holds->>'balanceNanos')::bigint, 0))::bigint AS held, sum(t.cost)::bigint AS cost
      FROM jsonb_to_recordset(v_done) AS t(a uuid, cost bigint, holds jsonb) GROUP BY t.a
    ) s
    WHERE b.account_id = s.a;
  INSERT INTO ledger_entries (account_id, kind, amount_nanos, usage_event_id, key_id, model_id, details, created_at)
    SELECT t.a, 'usage', -t.cost, (t.ledger->>'usageEventId')::uuid, (t.ledger->>'keyId')::uuid, t.ledger->>'modelId',
      t.ledger->'details', coalesce((t.ledger->>'at')::timestamptz, now())
    FROM jsonb_to_recordset(v_done) AS t(i integer, a uuid, cost bigint, ledger jsonb)
    WHERE t.cost <> 0 ORDER BY t.i;
  RETURN QUERY SELECT t.i FROM jsonb_to_recordset(v_done) AS t(i integer);
END;
$$;
