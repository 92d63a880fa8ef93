-- The daily_sales summary's triggers (migrations 0007_daily_sales, 0013_line_discounts,
-- 0016_daily_sales_tax and 0023_daily_sales_cash explain how they stay exact and cheap). An
-- update of bills or returns that changes none of the counted columns returns before the upsert.
-- cash_paid is what the day book counts as a bill's cash: amount_paid of a `cash` bill, and of a
-- `credit` bill the part paid at the counter (app.core.payment_modes.COUNTED_AS); changes counts
-- the bill and return rows that changed the day (each delta row is 1; it only ever grows), the
-- fingerprint of the sales analysis' rollups (app.reports.sales_rollups). Owned by app.reports;
-- applied by migrations through app.db.sources.apply_sql_source: edit here, then run `scripts/sql_migration.py`.

CREATE OR REPLACE FUNCTION daily_sales_slot(shop bigint) RETURNS smallint LANGUAGE plpgsql AS $fn$
BEGIN
    IF shop IS NULL THEN
        RETURN 0;
    END IF;
    FOR slot IN 0..15 LOOP
        IF pg_try_advisory_xact_lock((shop % 2147483647)::int, 1146290176 + slot) THEN
            RETURN slot;
        END IF;
    END LOOP;
    RETURN pg_backend_pid() % 16;
END
$fn$;

CREATE OR REPLACE FUNCTION daily_sales_bills_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN

INSERT INTO daily_sales AS d (shop_id, day, slot, bills, total_amount, total_cost, returned_amount, returned_cost, discount, tax, returned_tax, cash_paid, changes)
SELECT shop_id, day, (SELECT daily_sales_slot(x.shop_id) FROM new_rows AS x LIMIT 1), sum(bills), sum(total_amount), sum(total_cost), sum(returned_amount), sum(returned_cost), sum(discount), sum(tax), sum(returned_tax), sum(cash_paid), sum(changes)
FROM (
SELECT shop_id, sale_date AS day, 1 AS bills, total_amount, total_cost,
       0 AS returned_amount, 0 AS returned_cost, discount_total AS discount,
       cgst + sgst + igst + cess AS tax, 0 AS returned_tax,
       CASE WHEN payment_mode IN ('cash', 'credit') THEN amount_paid ELSE 0 END AS cash_paid, 1 AS changes
FROM new_rows WHERE status <> 'void'
) AS delta
GROUP BY shop_id, day
HAVING sum(bills) <> 0 OR sum(total_amount) <> 0 OR sum(total_cost) <> 0 OR sum(returned_amount) <> 0 OR sum(returned_cost) <> 0 OR sum(discount) <> 0 OR sum(tax) <> 0 OR sum(returned_tax) <> 0 OR sum(cash_paid) <> 0 OR sum(changes) <> 0
ORDER BY shop_id, day
ON CONFLICT ON CONSTRAINT uq_daily_sales_shop_id_day_slot DO UPDATE SET
    bills = d.bills + EXCLUDED.bills, total_amount = d.total_amount + EXCLUDED.total_amount, total_cost = d.total_cost + EXCLUDED.total_cost, returned_amount = d.returned_amount + EXCLUDED.returned_amount, returned_cost = d.returned_cost + EXCLUDED.returned_cost, discount = d.discount + EXCLUDED.discount, tax = d.tax + EXCLUDED.tax, returned_tax = d.returned_tax + EXCLUDED.returned_tax, cash_paid = d.cash_paid + EXCLUDED.cash_paid, changes = d.changes + EXCLUDED.changes
;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION daily_sales_bills_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN

IF NOT EXISTS (
    SELECT shop_id, id, sale_date, status, total_amount, total_cost, discount_total, cgst, sgst, igst, cess,
           amount_paid, payment_mode FROM new_rows
    EXCEPT
    SELECT shop_id, id, sale_date, status, total_amount, total_cost, discount_total, cgst, sgst, igst, cess,
           amount_paid, payment_mode FROM old_rows
) THEN
    RETURN NULL;
END IF;

INSERT INTO daily_sales AS d (shop_id, day, slot, bills, total_amount, total_cost, returned_amount, returned_cost, discount, tax, returned_tax, cash_paid, changes)
SELECT shop_id, day, (SELECT daily_sales_slot(x.shop_id) FROM new_rows AS x LIMIT 1), sum(bills), sum(total_amount), sum(total_cost), sum(returned_amount), sum(returned_cost), sum(discount), sum(tax), sum(returned_tax), sum(cash_paid), sum(changes)
FROM (
SELECT s.shop_id, s.sale_date AS day, 1 AS bills,
       s.total_amount AS total_amount, s.total_cost AS total_cost,
       r.amount AS returned_amount, r.cost AS returned_cost, s.discount_total AS discount,
       s.cgst + s.sgst + s.igst + s.cess AS tax, r.tax AS returned_tax,
       CASE WHEN s.payment_mode IN ('cash', 'credit') THEN s.amount_paid ELSE 0 END AS cash_paid, 1 AS changes
FROM new_rows AS s
CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.amount), 0) AS amount, coalesce(sum(x.cost), 0) AS cost,
           coalesce(sum(x.cgst + x.sgst + x.igst + x.cess), 0) AS tax
    FROM sale_returns AS x WHERE x.shop_id = s.shop_id AND x.sale_id = s.id
) AS r
WHERE s.status <> 'void'
 UNION ALL 
SELECT s.shop_id, s.sale_date AS day, -1 AS bills,
       -s.total_amount AS total_amount, -s.total_cost AS total_cost,
       -r.amount AS returned_amount, -r.cost AS returned_cost, -s.discount_total AS discount,
       -(s.cgst + s.sgst + s.igst + s.cess) AS tax, -r.tax AS returned_tax,
       -CASE WHEN s.payment_mode IN ('cash', 'credit') THEN s.amount_paid ELSE 0 END AS cash_paid, 1 AS changes
FROM old_rows AS s
CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.amount), 0) AS amount, coalesce(sum(x.cost), 0) AS cost,
           coalesce(sum(x.cgst + x.sgst + x.igst + x.cess), 0) AS tax
    FROM sale_returns AS x WHERE x.shop_id = s.shop_id AND x.sale_id = s.id
) AS r
WHERE s.status <> 'void'
) AS delta
GROUP BY shop_id, day
HAVING sum(bills) <> 0 OR sum(total_amount) <> 0 OR sum(total_cost) <> 0 OR sum(returned_amount) <> 0 OR sum(returned_cost) <> 0 OR sum(discount) <> 0 OR sum(tax) <> 0 OR sum(returned_tax) <> 0 OR sum(cash_paid) <> 0 OR sum(changes) <> 0
ORDER BY shop_id, day
ON CONFLICT ON CONSTRAINT uq_daily_sales_shop_id_day_slot DO UPDATE SET
    bills = d.bills + EXCLUDED.bills, total_amount = d.total_amount + EXCLUDED.total_amount, total_cost = d.total_cost + EXCLUDED.total_cost, returned_amount = d.returned_amount + EXCLUDED.returned_amount, returned_cost = d.returned_cost + EXCLUDED.returned_cost, discount = d.discount + EXCLUDED.discount, tax = d.tax + EXCLUDED.tax, returned_tax = d.returned_tax + EXCLUDED.returned_tax, cash_paid = d.cash_paid + EXCLUDED.cash_paid, changes = d.changes + EXCLUDED.changes
;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION daily_sales_bills_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN

INSERT INTO daily_sales AS d (shop_id, day, slot, bills, total_amount, total_cost, returned_amount, returned_cost, discount, tax, returned_tax, cash_paid, changes)
SELECT shop_id, day, (SELECT daily_sales_slot(x.shop_id) FROM old_rows AS x LIMIT 1), sum(bills), sum(total_amount), sum(total_cost), sum(returned_amount), sum(returned_cost), sum(discount), sum(tax), sum(returned_tax), sum(cash_paid), sum(changes)
FROM (
SELECT s.shop_id, s.sale_date AS day, -1 AS bills,
       -s.total_amount AS total_amount, -s.total_cost AS total_cost,
       -r.amount AS returned_amount, -r.cost AS returned_cost, -s.discount_total AS discount,
       -(s.cgst + s.sgst + s.igst + s.cess) AS tax, -r.tax AS returned_tax,
       -CASE WHEN s.payment_mode IN ('cash', 'credit') THEN s.amount_paid ELSE 0 END AS cash_paid, 1 AS changes
FROM old_rows AS s
CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.amount), 0) AS amount, coalesce(sum(x.cost), 0) AS cost,
           coalesce(sum(x.cgst + x.sgst + x.igst + x.cess), 0) AS tax
    FROM sale_returns AS x WHERE x.shop_id = s.shop_id AND x.sale_id = s.id
) AS r
WHERE s.status <> 'void'
) AS delta
GROUP BY shop_id, day
HAVING sum(bills) <> 0 OR sum(total_amount) <> 0 OR sum(total_cost) <> 0 OR sum(returned_amount) <> 0 OR sum(returned_cost) <> 0 OR sum(discount) <> 0 OR sum(tax) <> 0 OR sum(returned_tax) <> 0 OR sum(cash_paid) <> 0 OR sum(changes) <> 0
ORDER BY shop_id, day
ON CONFLICT ON CONSTRAINT uq_daily_sales_shop_id_day_slot DO UPDATE SET
    bills = d.bills + EXCLUDED.bills, total_amount = d.total_amount + EXCLUDED.total_amount, total_cost = d.total_cost + EXCLUDED.total_cost, returned_amount = d.returned_amount + EXCLUDED.returned_amount, returned_cost = d.returned_cost + EXCLUDED.returned_cost, discount = d.discount + EXCLUDED.discount, tax = d.tax + EXCLUDED.tax, returned_tax = d.returned_tax + EXCLUDED.returned_tax, cash_paid = d.cash_paid + EXCLUDED.cash_paid, changes = d.changes + EXCLUDED.changes
;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION daily_sales_returns_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN

INSERT INTO daily_sales AS d (shop_id, day, slot, bills, total_amount, total_cost, returned_amount, returned_cost, discount, tax, returned_tax, cash_paid, changes)
SELECT shop_id, day, (SELECT daily_sales_slot(x.shop_id) FROM new_rows AS x LIMIT 1), sum(bills), sum(total_amount), sum(total_cost), sum(returned_amount), sum(returned_cost), sum(discount), sum(tax), sum(returned_tax), sum(cash_paid), sum(changes)
FROM (
SELECT s.shop_id, s.sale_date AS day, 0 AS bills, 0 AS total_amount, 0 AS total_cost,
       r.amount AS returned_amount, r.cost AS returned_cost, 0 AS discount,
       0 AS tax, r.cgst + r.sgst + r.igst + r.cess AS returned_tax, 0 AS cash_paid, 1 AS changes
FROM new_rows AS r
CROSS JOIN LATERAL (
    SELECT x.shop_id, x.sale_date FROM sales AS x
    WHERE x.shop_id = r.shop_id AND x.id = r.sale_id AND x.status <> 'void'
    FOR SHARE
) AS s
) AS delta
GROUP BY shop_id, day
HAVING sum(bills) <> 0 OR sum(total_amount) <> 0 OR sum(total_cost) <> 0 OR sum(returned_amount) <> 0 OR sum(returned_cost) <> 0 OR sum(discount) <> 0 OR sum(tax) <> 0 OR sum(returned_tax) <> 0 OR sum(cash_paid) <> 0 OR sum(changes) <> 0
ORDER BY shop_id, day
ON CONFLICT ON CONSTRAINT uq_daily_sales_shop_id_day_slot DO UPDATE SET
    bills = d.bills + EXCLUDED.bills, total_amount = d.total_amount + EXCLUDED.total_amount, total_cost = d.total_cost + EXCLUDED.total_cost, returned_amount = d.returned_amount + EXCLUDED.returned_amount, returned_cost = d.returned_cost + EXCLUDED.returned_cost, discount = d.discount + EXCLUDED.discount, tax = d.tax + EXCLUDED.tax, returned_tax = d.returned_tax + EXCLUDED.returned_tax, cash_paid = d.cash_paid + EXCLUDED.cash_paid, changes = d.changes + EXCLUDED.changes
;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION daily_sales_returns_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN

IF NOT EXISTS (
    SELECT shop_id, id, sale_id, amount, cost, cgst, sgst, igst, cess FROM new_rows
    EXCEPT
    SELECT shop_id, id, sale_id, amount, cost, cgst, sgst, igst, cess FROM old_rows
) THEN
    RETURN NULL;
END IF;

INSERT INTO daily_sales AS d (shop_id, day, slot, bills, total_amount, total_cost, returned_amount, returned_cost, discount, tax, returned_tax, cash_paid, changes)
SELECT shop_id, day, (SELECT daily_sales_slot(x.shop_id) FROM new_rows AS x LIMIT 1), sum(bills), sum(total_amount), sum(total_cost), sum(returned_amount), sum(returned_cost), sum(discount), sum(tax), sum(returned_tax), sum(cash_paid), sum(changes)
FROM (
SELECT s.shop_id, s.sale_date AS day, 0 AS bills, 0 AS total_amount, 0 AS total_cost,
       r.amount AS returned_amount, r.cost AS returned_cost, 0 AS discount,
       0 AS tax, r.cgst + r.sgst + r.igst + r.cess AS returned_tax, 0 AS cash_paid, 1 AS changes
FROM new_rows AS r
CROSS JOIN LATERAL (
    SELECT x.shop_id, x.sale_date FROM sales AS x
    WHERE x.shop_id = r.shop_id AND x.id = r.sale_id AND x.status <> 'void'
    FOR SHARE
) AS s
 UNION ALL 
SELECT s.shop_id, s.sale_date AS day, 0 AS bills, 0 AS total_amount, 0 AS total_cost,
       -r.amount AS returned_amount, -r.cost AS returned_cost, 0 AS discount,
       0 AS tax, -(r.cgst + r.sgst + r.igst + r.cess) AS returned_tax, 0 AS cash_paid,
       1 AS changes
FROM old_rows AS r
CROSS JOIN LATERAL (
    SELECT x.shop_id, x.sale_date FROM sales AS x
    WHERE x.shop_id = r.shop_id AND x.id = r.sale_id AND x.status <> 'void'
    FOR SHARE
) AS s
) AS delta
GROUP BY shop_id, day
HAVING sum(bills) <> 0 OR sum(total_amount) <> 0 OR sum(total_cost) <> 0 OR sum(returned_amount) <> 0 OR sum(returned_cost) <> 0 OR sum(discount) <> 0 OR sum(tax) <> 0 OR sum(returned_tax) <> 0 OR sum(cash_paid) <> 0 OR sum(changes) <> 0
ORDER BY shop_id, day
ON CONFLICT ON CONSTRAINT uq_daily_sales_shop_id_day_slot DO UPDATE SET
    bills = d.bills + EXCLUDED.bills, total_amount = d.total_amount + EXCLUDED.total_amount, total_cost = d.total_cost + EXCLUDED.total_cost, returned_amount = d.returned_amount + EXCLUDED.returned_amount, returned_cost = d.returned_cost + EXCLUDED.returned_cost, discount = d.discount + EXCLUDED.discount, tax = d.tax + EXCLUDED.tax, returned_tax = d.returned_tax + EXCLUDED.returned_tax, cash_paid = d.cash_paid + EXCLUDED.cash_paid, changes = d.changes + EXCLUDED.changes
;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION daily_sales_returns_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN

INSERT INTO daily_sales AS d (shop_id, day, slot, bills, total_amount, total_cost, returned_amount, returned_cost, discount, tax, returned_tax, cash_paid, changes)
SELECT shop_id, day, (SELECT daily_sales_slot(x.shop_id) FROM old_rows AS x LIMIT 1), sum(bills), sum(total_amount), sum(total_cost), sum(returned_amount), sum(returned_cost), sum(discount), sum(tax), sum(returned_tax), sum(cash_paid), sum(changes)
FROM (
SELECT s.shop_id, s.sale_date AS day, 0 AS bills, 0 AS total_amount, 0 AS total_cost,
       -r.amount AS returned_amount, -r.cost AS returned_cost, 0 AS discount,
       0 AS tax, -(r.cgst + r.sgst + r.igst + r.cess) AS returned_tax, 0 AS cash_paid,
       1 AS changes
FROM old_rows AS r
CROSS JOIN LATERAL (
    SELECT x.shop_id, x.sale_date FROM sales AS x
    WHERE x.shop_id = r.shop_id AND x.id = r.sale_id AND x.status <> 'void'
    FOR SHARE
) AS s
) AS delta
GROUP BY shop_id, day
HAVING sum(bills) <> 0 OR sum(total_amount) <> 0 OR sum(total_cost) <> 0 OR sum(returned_amount) <> 0 OR sum(returned_cost) <> 0 OR sum(discount) <> 0 OR sum(tax) <> 0 OR sum(returned_tax) <> 0 OR sum(cash_paid) <> 0 OR sum(changes) <> 0
ORDER BY shop_id, day
ON CONFLICT ON CONSTRAINT uq_daily_sales_shop_id_day_slot DO UPDATE SET
    bills = d.bills + EXCLUDED.bills, total_amount = d.total_amount + EXCLUDED.total_amount, total_cost = d.total_cost + EXCLUDED.total_cost, returned_amount = d.returned_amount + EXCLUDED.returned_amount, returned_cost = d.returned_cost + EXCLUDED.returned_cost, discount = d.discount + EXCLUDED.discount, tax = d.tax + EXCLUDED.tax, returned_tax = d.returned_tax + EXCLUDED.returned_tax, cash_paid = d.cash_paid + EXCLUDED.cash_paid, changes = d.changes + EXCLUDED.changes
;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION daily_sales_rebuild() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    LOCK TABLE sales, sale_returns IN SHARE MODE; DELETE FROM daily_sales;
    -- The rebuilt counters start again: no rollup's fingerprint can be trusted against them.
    DELETE FROM sales_rollups; DELETE FROM sales_rollup_periods;
INSERT INTO daily_sales (shop_id, day, slot, bills, total_amount, total_cost, returned_amount, returned_cost, discount, tax, returned_tax, cash_paid, changes)
SELECT s.shop_id, s.sale_date, 0, count(*), sum(s.total_amount), sum(s.total_cost),
       coalesce(sum(r.amount), 0), coalesce(sum(r.cost), 0), sum(s.discount_total),
       sum(s.cgst + s.sgst + s.igst + s.cess), coalesce(sum(r.tax), 0),
       sum(CASE WHEN s.payment_mode IN ('cash', 'credit') THEN s.amount_paid ELSE 0 END), count(*)
FROM sales AS s
LEFT JOIN (
    SELECT shop_id, sale_id, sum(amount) AS amount, sum(cost) AS cost,
           sum(cgst + sgst + igst + cess) AS tax
    FROM sale_returns GROUP BY shop_id, sale_id
) AS r ON r.shop_id = s.shop_id AND r.sale_id = s.id
WHERE s.status <> 'void'
GROUP BY s.shop_id, s.sale_date
ORDER BY s.shop_id, s.sale_date
;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE TRIGGER daily_sales_bills_inserted AFTER INSERT ON sales REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_sales_bills_inserted();

CREATE OR REPLACE TRIGGER daily_sales_bills_updated AFTER UPDATE ON sales REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_sales_bills_updated();

CREATE OR REPLACE TRIGGER daily_sales_bills_deleted AFTER DELETE ON sales REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_sales_bills_deleted();

CREATE OR REPLACE TRIGGER daily_sales_returns_inserted AFTER INSERT ON sale_returns REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_sales_returns_inserted();

CREATE OR REPLACE TRIGGER daily_sales_returns_updated AFTER UPDATE ON sale_returns REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_sales_returns_updated();

CREATE OR REPLACE TRIGGER daily_sales_returns_deleted AFTER DELETE ON sale_returns REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_sales_returns_deleted();

CREATE OR REPLACE TRIGGER daily_sales_rebuild AFTER TRUNCATE ON sales FOR EACH STATEMENT EXECUTE FUNCTION daily_sales_rebuild();

CREATE OR REPLACE TRIGGER daily_sales_rebuild AFTER TRUNCATE ON sale_returns FOR EACH STATEMENT EXECUTE FUNCTION daily_sales_rebuild();
