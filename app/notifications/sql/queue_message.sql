-- A message into the outbox (docs/architecture.md rule 6), in the transaction of what it
-- reports. Owned by app.notifications; called by the sale's function
-- (app/sales/sql/sales_record.sql). Applied by migrations through
-- app.db.sources.apply_sql_source.

CREATE OR REPLACE FUNCTION notifications_queue(
    p_shop bigint, p_customer bigint, p_channel text, p_to text, p_template text,
    p_language text, p_body text, p_reference text
) RETURNS void
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    INSERT INTO notifications (
        shop_id, customer_id, channel, "to", template, language, body, reference
    )
    VALUES (p_shop, p_customer, p_channel, p_to, p_template, p_language, p_body, p_reference);
END
$fn$;
