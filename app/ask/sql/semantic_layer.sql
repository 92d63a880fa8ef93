-- The semantic layer of "ask the shop" (issue 16): the only relations its compiled queries
-- read. Owned by app.ask; applied by migrations through app.db.sources.apply_sql_source.
-- `security_invoker` makes each view run as the caller, so the tables' row-level security
-- (one shop per transaction) applies through them; the app role may only SELECT them.
-- Columns are what an owner may ask about: no costs per unit, no users, no secrets.

CREATE OR REPLACE VIEW ask_bills WITH (security_invoker = true) AS
SELECT s.shop_id, s.sale_date AS day, s.id AS sale_id, s.customer_id,
       coalesce(nullif(c.name, ''), c.phone) AS customer, c.phone AS customer_phone,
       s.payment_mode, s.total_amount AS amount, s.profit, s.total_quantity AS quantity
FROM sales s
LEFT JOIN customers c ON c.shop_id = s.shop_id AND c.id = s.customer_id
WHERE s.status = 'completed';

CREATE OR REPLACE VIEW ask_sale_lines WITH (security_invoker = true) AS
SELECT l.shop_id, s.sale_date AS day, s.id AS sale_id, l.product_id, p.name AS product,
       s.customer_id, coalesce(nullif(c.name, ''), c.phone) AS customer,
       c.phone AS customer_phone, s.payment_mode, l.quantity, l.line_total AS amount,
       l.profit
FROM sale_lines l
JOIN sales s ON s.shop_id = l.shop_id AND s.id = l.sale_id
JOIN products p ON p.shop_id = l.shop_id AND p.id = l.product_id
LEFT JOIN customers c ON c.shop_id = s.shop_id AND c.id = s.customer_id
WHERE s.status = 'completed';

CREATE OR REPLACE VIEW ask_purchases WITH (security_invoker = true) AS
SELECT b.shop_id, b.purchase_date AS day, b.id AS purchase_id, b.vendor_id,
       coalesce(nullif(v.name, ''), v.phone) AS vendor, v.phone AS vendor_phone,
       b.payment_mode, b.total_amount AS amount, b.total_quantity AS quantity
FROM purchases b
JOIN vendors v ON v.shop_id = b.shop_id AND v.id = b.vendor_id
WHERE b.status = 'completed';

CREATE OR REPLACE VIEW ask_payments WITH (security_invoker = true) AS
SELECT p.shop_id, p.paid_on AS day, p.customer_id,
       coalesce(nullif(c.name, ''), c.phone) AS customer, c.phone AS customer_phone,
       coalesce(p.payment_mode, 'cash') AS payment_mode, p.amount
FROM udhaar_payments p
JOIN customers c ON c.shop_id = p.shop_id AND c.id = p.customer_id
WHERE p.kind = 'sale';

-- Open udhaar, one view per side: the settled part of each open entry summed once per
-- entry in one grouped pass, and the party joined as an inner join (so a name filter
-- reaches the parties' table first).
CREATE OR REPLACE VIEW ask_receivable WITH (security_invoker = true) AS
SELECT e.shop_id, e.entry_date AS day, e.due_date, e.customer_id,
       coalesce(nullif(c.name, ''), c.phone) AS customer, c.phone AS customer_phone,
       e.amount - coalesce(settled.amount, 0) AS balance
FROM udhaar_entries e
JOIN customers c ON c.shop_id = e.shop_id AND c.id = e.customer_id
LEFT JOIN (
    SELECT s.shop_id, s.entry_id, sum(s.amount) AS amount FROM udhaar_settlements s
    GROUP BY s.shop_id, s.entry_id
) AS settled ON settled.shop_id = e.shop_id AND settled.entry_id = e.id
WHERE e.kind = 'sale' AND e.status = 'open';

CREATE OR REPLACE VIEW ask_payable WITH (security_invoker = true) AS
SELECT e.shop_id, e.entry_date AS day, e.due_date, e.vendor_id,
       coalesce(nullif(v.name, ''), v.phone) AS vendor, v.phone AS vendor_phone,
       e.amount - coalesce(settled.amount, 0) AS balance
FROM udhaar_entries e
JOIN vendors v ON v.shop_id = e.shop_id AND v.id = e.vendor_id
LEFT JOIN (
    SELECT s.shop_id, s.entry_id, sum(s.amount) AS amount FROM udhaar_settlements s
    GROUP BY s.shop_id, s.entry_id
) AS settled ON settled.shop_id = e.shop_id AND settled.entry_id = e.id
WHERE e.kind = 'purchase' AND e.status = 'open';

-- Names the parser looks words up in (which words name a customer or vendor).
CREATE OR REPLACE VIEW ask_parties WITH (security_invoker = true) AS
SELECT shop_id, coalesce(nullif(name, ''), phone) AS name FROM customers
UNION ALL
SELECT shop_id, coalesce(nullif(name, ''), phone) AS name FROM vendors;

CREATE OR REPLACE VIEW ask_stock WITH (security_invoker = true) AS
SELECT p.shop_id, p.id AS product_id, p.name AS product, p.quantity, p.reorder_level
FROM products p
WHERE p.archived_at IS NULL;

GRANT SELECT ON ask_bills, ask_sale_lines, ask_purchases, ask_payments, ask_receivable,
    ask_payable, ask_parties, ask_stock
TO dukaan_app;
