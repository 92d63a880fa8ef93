-- A sale's stock: taken out of the products (their cached quantity) and recorded in the
-- ledger, one movement per bill line (docs/architecture.md rules 4 and 5). Owned by
-- app.stock; called by the sale's function (app/sales/sql/sales_record.sql), which has
-- locked the products in id order. Applied by migrations through
-- app.db.sources.apply_sql_source.
--
-- `p_lines` is the bill's lines in bill order: [{"product_id", "quantity", "cost"}, ...],
-- `cost` the product's unit cost at the sale. Refuses to go below zero unless
-- `p_allow_negative`: SQLSTATE DK409, its DETAIL the first short product (by id) as JSON
-- {"product_id", "name", "available", "requested"} (rendered by app.stock.service).

CREATE OR REPLACE FUNCTION stock_take_for_sale(
    p_shop bigint, p_sale bigint, p_date date, p_allow_negative boolean, p_lines jsonb
) RETURNS void
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    v_ids bigint[];
    v_after numeric[];
    v_wanted bigint;
    v_short jsonb;
    -- The bill's products as an array: `p.id = ANY(v_bill)` looks each up by the primary
    -- key, where a join to the JSON's rows alone (estimated at 100) planned as a scan of the
    -- shop's whole catalogue.
    v_bill bigint[] := ARRAY(
        SELECT DISTINCT (e->>'product_id')::bigint FROM jsonb_array_elements(p_lines) e);
BEGIN
    WITH wanted AS (
        SELECT l.product_id AS id, sum(l.quantity) AS quantity
        FROM jsonb_to_recordset(p_lines) AS l(product_id bigint, quantity numeric)
        GROUP BY l.product_id
    ), taken AS (
        UPDATE products p
        SET quantity = p.quantity - w.quantity, updated_at = now()
        FROM wanted w
        WHERE p.shop_id = p_shop AND p.id = ANY(v_bill) AND p.id = w.id
          AND (p_allow_negative OR p.quantity - w.quantity >= 0)
        RETURNING p.id, p.quantity
    )
    SELECT array_agg(t.id), array_agg(t.quantity), (SELECT count(*) FROM wanted)
    INTO v_ids, v_after, v_wanted
    FROM taken t;

    IF coalesce(cardinality(v_ids), 0) < v_wanted THEN
        SELECT jsonb_build_object(
                   'product_id', p.id, 'name', p.name, 'available', p.quantity,
                   'requested', w.quantity)
        INTO v_short
        FROM (
            SELECT l.product_id AS id, sum(l.quantity) AS quantity
            FROM jsonb_to_recordset(p_lines) AS l(product_id bigint, quantity numeric)
            GROUP BY l.product_id
        ) w
        JOIN products p ON p.shop_id = p_shop AND p.id = ANY(v_bill) AND p.id = w.id
        WHERE NOT (w.id = ANY(coalesce(v_ids, '{}')))
        ORDER BY p.id
        LIMIT 1;
        RAISE EXCEPTION 'not enough stock' USING ERRCODE = 'DK409', DETAIL = v_short::text;
    END IF;

    -- Each line's movement carries the running quantity after it: the product's final
    -- quantity plus what the bill's later lines of that product took.
    INSERT INTO stock_movements (
        shop_id, product_id, quantity, reason, sale_id, balance_after, cost_after,
        movement_date
    )
    SELECT p_shop, l.product_id, -l.quantity, 'sale', p_sale,
           t.after + coalesce(sum(l.quantity) OVER (
               PARTITION BY l.product_id ORDER BY l.n DESC
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
           l.cost, p_date
    FROM ROWS FROM (
        jsonb_to_recordset(p_lines) AS (product_id bigint, quantity numeric, cost numeric)
    ) WITH ORDINALITY AS l(product_id, quantity, cost, n)
    JOIN unnest(v_ids, v_after) AS t(id, after) ON t.id = l.product_id
    ORDER BY l.n;
END
$fn$;
