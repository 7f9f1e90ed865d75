-- Requests admitted against leases, settled in two steps so that what each
-- request holds (seven holds or so, each with its lease, scope and window)
-- no longer crosses to the database per request: the instance sends sums.
-- llmaas_settle_leased_known locks the batch's accounts (in one order, as
-- every settlement does) and says which requests are settled already: their
-- usage event is written (an earlier batch replayed from the journal, or the
-- sweeper after the instance was lost). Then, in the same transaction and
-- under those locks, llmaas_settle_leased_sums writes what the others add up
-- to: what goes back to each lease, each counter's use, each account's cost,
-- and one ledger debit per request.
CREATE OR REPLACE FUNCTION llmaas_settle_leased_known(p_accounts uuid[], p_events uuid[], p_ats timestamptz[]) RETURNS SETOF integer LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_balances (account_id)
    SELECT DISTINCT a FROM unnest(p_accounts) AS a ORDER BY a
    ON CONFLICT (account_id) DO NOTHING;
  PERFORM 1 FROM account_balances WHERE account_id = ANY (p_accounts) ORDER BY account_id FOR UPDATE;
  -- One probe of the primary key per request, in its month's partition (see 0021_settle_probes.sql).
  RETURN QUERY SELECT (x.n - 1)::integer FROM unnest(p_events, p_ats) WITH ORDINALITY AS x(e, at, n)
    CROSS JOIN LATERAL (SELECT 1 FROM usage_events u WHERE u.id = x.e AND u.created_at = x.at LIMIT 1) k;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION llmaas_settle_leased_sums(p_reservations uuid[], p_gives jsonb, p_counters jsonb, p_costs jsonb, p_ledger jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  l record;
BEGIN
  -- A request that outlived half a heartbeat left a checkpoint: settled, it goes.
  IF cardinality(p_reservations) > 0 THEN
    DELETE FROM reservations WHERE id = ANY (p_reservations);
  END IF;
  FOR l IN SELECT t.a, t.l, t.b FROM jsonb_to_recordset(p_gives) AS t(a uuid, l uuid, b bigint) ORDER BY 1, 2 LOOP
    PERFORM llmaas_lease_give_back(l.a, l.l, l.b, false);
  END LOOP;
  INSERT INTO limit_counters (scope_id, metric, window_start, used)
    SELECT t.s, t.m, t.w, t.u FROM jsonb_to_recordset(p_counters) AS t(s uuid, m text, w timestamptz, u bigint) ORDER BY 1, 2, 3
    ON CONFLICT (scope_id, metric, window_start) DO UPDATE SET used = limit_counters.used + excluded.used;
  UPDATE account_balances b SET balance_nanos = b.balance_nanos - t.c, updated_at = now()
    FROM jsonb_to_recordset(p_costs) AS t(a uuid, c bigint) WHERE b.account_id = t.a;
  INSERT INTO ledger_entries (account_id, kind, amount_nanos, usage_event_id, key_id, model_id, details, created_at)
    SELECT t.a, 'usage', -t.c, t.e, t.k, t.m, t.d, coalesce(t.t, now())
    FROM ROWS FROM (jsonb_to_recordset(p_ledger) AS (a uuid, c bigint, e uuid, k uuid, m text, d jsonb, t timestamptz)) WITH ORDINALITY AS t(a, c, e, k, m, d, t, n)
    ORDER BY t.n;
END;
$$;
