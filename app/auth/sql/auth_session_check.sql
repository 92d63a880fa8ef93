-- Raises SQLSTATE DK401 unless the login session is live, its user active and still holding
-- the role the token names (migration 0010_auth_sessions). Owned by app.auth; applied by
-- migrations through app.db.sources.apply_sql_source.

CREATE OR REPLACE FUNCTION auth_session_check(
    p_session bigint, p_user bigint, p_shop bigint, p_role text
) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    PERFORM 1
    FROM auth_sessions AS s JOIN users AS u ON u.id = s.user_id
    WHERE s.id = p_session AND s.user_id = p_user AND s.shop_id = p_shop
      AND s.revoked_at IS NULL AND s.expires_at > now()
      AND u.active AND u.role = p_role;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the session has ended or the account has changed'
            USING ERRCODE = 'DK401';
    END IF;
    RETURN true;
END
$fn$;
