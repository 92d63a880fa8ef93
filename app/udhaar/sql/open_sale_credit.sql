-- The udhaar a sale leaves on credit. Owned by app.udhaar; called by the sale's function
-- (app/sales/sql/sales_record.sql). Applied by migrations through
-- app.db.sources.apply_sql_source.

CREATE OR REPLACE FUNCTION udhaar_open_sale_credit(
    p_shop bigint, p_customer bigint, p_sale bigint, p_amount numeric, p_date date,
    p_due date
) RETURNS void
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    INSERT INTO udhaar_entries (shop_id, kind, customer_id, sale_id, amount, entry_date, due_date)
    VALUES (p_shop, 'sale', p_customer, p_sale, p_amount, p_date, p_due);
END
$fn$;
