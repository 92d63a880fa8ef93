-- Claiming an Idempotency-Key and storing its reply (docs/api.md "Idempotency"). Owned by
-- app.idempotency; the sale's own function (app/sales/sql/sales_record.sql) and the Python
-- claim for every other creating POST (app.idempotency.service) call these, so the rules of
-- a key live in one place. Applied by migrations through app.db.sources.apply_sql_source.
--
-- SQLSTATEs raised (rendered by app.idempotency.service): DK422, the key was used with another
-- request body; DK423, the request holding the key has not finished; DK428, a concurrent
-- request with the key finished first (idempotency_claim_with_reply; its caller replays).

-- The caller's key, claimed for this request, or the stored reply to replay (a row whose
-- status_code is set). A key held by a concurrent request waits here until that request ends:
-- committed, its reply is replayed; rolled back, the key is claimed afresh. An expired key is
-- reclaimed as new.
CREATE OR REPLACE FUNCTION idempotency_claim(
    p_shop bigint, p_user bigint, p_key text, p_fingerprint text, p_ttl_s integer
) RETURNS idempotency_keys
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    k idempotency_keys;
BEGIN
    INSERT INTO idempotency_keys (shop_id, user_id, key, fingerprint, expires_at)
    VALUES (p_shop, p_user, p_key, p_fingerprint, now() + make_interval(secs => p_ttl_s))
    ON CONFLICT (shop_id, user_id, key) DO NOTHING
    RETURNING * INTO k;
    IF FOUND THEN
        RETURN k;
    END IF;
    SELECT * INTO STRICT k FROM idempotency_keys
    WHERE shop_id = p_shop AND user_id = p_user AND key = p_key
    FOR UPDATE;
    IF k.expires_at < now() THEN
        UPDATE idempotency_keys
        SET fingerprint = p_fingerprint, status_code = NULL, response = NULL,
            created_at = now(), expires_at = now() + make_interval(secs => p_ttl_s)
        WHERE shop_id = p_shop AND id = k.id
        RETURNING * INTO k;
        RETURN k;
    END IF;
    PERFORM idempotency_check_body(k, p_fingerprint);
    IF k.status_code IS NULL THEN
        RAISE EXCEPTION 'A request with this Idempotency-Key is still being processed'
            USING ERRCODE = 'DK423';
    END IF;
    RETURN k;
END
$fn$;

-- The stored reply of the caller's key, if the key is live and its request finished; NULL
-- otherwise (no such key, expired, or still running). Reads only: for a hot path that looks
-- before it does any work, and claims the key (idempotency_claim) in its write.
CREATE OR REPLACE FUNCTION idempotency_stored_reply(
    p_shop bigint, p_user bigint, p_key text, p_fingerprint text
) RETURNS idempotency_keys
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    k idempotency_keys;
BEGIN
    SELECT * INTO k FROM idempotency_keys
    WHERE shop_id = p_shop AND user_id = p_user AND key = p_key AND expires_at >= now();
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    PERFORM idempotency_check_body(k, p_fingerprint);
    IF k.status_code IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN k;
END
$fn$;

-- Refuses a live key sent again with a different request body.
CREATE OR REPLACE FUNCTION idempotency_check_body(k idempotency_keys, p_fingerprint text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
    IF k.fingerprint <> p_fingerprint THEN
        RAISE EXCEPTION 'This Idempotency-Key was used with a different request body; use a new key'
            USING ERRCODE = 'DK422';
    END IF;
END
$fn$;

-- Claims the caller's key with its reply in one write, for a request that does its work
-- first and keeps the key last (a new sale: app/sales/sql/sales_record.sql). A live key is
-- refused with SQLSTATE DK428, which rolls the request's work back: a concurrent request
-- with the key finished first, and the caller looks again for its reply to replay (or for a
-- body that differs, DK422). An expired key is taken over.
CREATE OR REPLACE FUNCTION idempotency_claim_with_reply(
    p_shop bigint, p_user bigint, p_key text, p_fingerprint text, p_ttl_s integer,
    p_status integer, p_response text
) RETURNS void
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    INSERT INTO idempotency_keys AS k (
        shop_id, user_id, key, fingerprint, status_code, response, expires_at
    )
    VALUES (
        p_shop, p_user, p_key, p_fingerprint, p_status, p_response,
        now() + make_interval(secs => p_ttl_s)
    )
    ON CONFLICT (shop_id, user_id, key) DO UPDATE
        SET fingerprint = excluded.fingerprint, status_code = excluded.status_code,
            response = excluded.response, created_at = now(), expires_at = excluded.expires_at
        WHERE k.expires_at < now();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Another request with this Idempotency-Key finished first'
            USING ERRCODE = 'DK428';
    END IF;
END
$fn$;

-- Stores the reply of the request holding a key, in that request's transaction.
CREATE OR REPLACE FUNCTION idempotency_store_reply(
    p_shop bigint, p_id bigint, p_status integer, p_response text
) RETURNS void
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    UPDATE idempotency_keys SET status_code = p_status, response = p_response
    WHERE shop_id = p_shop AND id = p_id;
END
$fn$;
