-- The customer of a bill, found or created by phone. Owned by app.parties; called by the
-- sale's function (app/sales/sql/sales_record.sql). Applied by migrations through
-- app.db.sources.apply_sql_source.

-- A found customer keeps its name unless it had none. A found row is read, not locked or
-- rewritten (an upsert's DO UPDATE wrote a new row version on every bill); the bill's foreign
-- key keeps it from going away.
CREATE OR REPLACE FUNCTION parties_upsert_customer(p_shop bigint, p_phone text, p_name text)
RETURNS customers
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    c customers;
BEGIN
    SELECT * INTO c FROM customers WHERE shop_id = p_shop AND phone = p_phone;
    IF FOUND THEN
        IF c.name = '' AND p_name <> '' THEN
            UPDATE customers SET name = p_name WHERE shop_id = p_shop AND id = c.id
            RETURNING * INTO c;
        END IF;
        RETURN c;
    END IF;
    INSERT INTO customers (shop_id, name, phone) VALUES (p_shop, p_name, p_phone)
    ON CONFLICT (shop_id, phone) DO UPDATE
        SET name = CASE WHEN customers.name = '' THEN excluded.name ELSE customers.name END
    RETURNING * INTO c;
    RETURN c;
END
$fn$;
