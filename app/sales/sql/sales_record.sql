-- A new sale in two calls (issue 20): `sales_quote` reads what the bill is priced from, the
-- API prices it (app.bills), and `sales_record` writes it whole. Owned by app.sales; the
-- writes to other domains' tables go through their owners' functions (idempotency_claim,
-- parties_upsert_customer, stock_take_for_sale, udhaar_open_sale_credit,
-- notifications_queue, idempotency_store_reply). Each call is a statement of its own, in
-- its own transaction (app.db.session.call_in_shop), that first enters the caller's shop
-- (app_enter_shop), so the shop's bill-number lock lives only inside it. Applied by
-- migrations through app.db.sources.apply_sql_source.
--
-- `sales_record` runs with `plan_cache_mode = force_generic_plan`, which holds for the
-- functions it calls and the triggers its statements fire. PL/pgSQL keeps each statement's
-- plan, but under the default mode a statement's generic plan is used only if it is
-- estimated no dearer than its custom plans; the products' lock and the stock's update
-- take the bill's product ids as an array, which a generic plan estimates at ten elements
-- and a custom plan knows to be three, so they were planned afresh at every call
-- (pg_stat_statements' plans per call 1.00, 0.31 ms a sale; PostgreSQL's CPU per sale 2.07
-- ms against 1.5 without the planning: `python -m benchmarks.profile_sale`). Every
-- statement of the sale reads by a key, so its generic plan is the same index lookups;
-- tests/sales/test_sale_reads_its_products.py counts the rows a sale reads with them.
-- `sales_quote` keeps the default: its products' lookup by ids or names (`OR` of two
-- arrays) plans generically as a scan of the catalogue when the table is small, and a
-- worker quotes a shop's bills rarely.

-- What a bill is priced from, as JSON text: the shop's settings row with its `version` (the
-- row's xmin, which any change of the row changes), the products the bill names (by id or
-- name key; not archived), or the caller's stored reply when the
-- Idempotency-Key was already used for this body (then nothing else is needed). First
-- the caller's login session is checked (auth_session_check: SQLSTATE DK401 when ended).
-- With the products named, up to `catalogue` more of the shop's, the most recently changed
-- (sold or bought) first: a worker's first quote of a shop reads its catalogue at once
-- (app.sales.quotes).
-- `p_wanted`: {"ids": [...], "keys": [...], "catalogue", "session_id", "user_id", "role",
-- "key", "fingerprint", "bill_no_mark"}.
CREATE OR REPLACE FUNCTION sales_quote(p_shop bigint, p_wanted jsonb) RETURNS text
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    k idempotency_keys;
    -- As arrays, not sets: `= ANY` of an array is an index lookup of each product, where the
    -- set of a JSON array (estimated at 100 rows) planned as a scan of the shop's catalogue.
    v_ids bigint[] := ARRAY(SELECT jsonb_array_elements_text(p_wanted->'ids')::bigint);
    v_keys text[] := ARRAY(SELECT jsonb_array_elements_text(p_wanted->'keys'));
    v_catalogue integer := coalesce((p_wanted->>'catalogue')::integer, 0);
BEGIN
    PERFORM app_enter_shop(p_shop);
    PERFORM auth_session_check(
        (p_wanted->>'session_id')::bigint, (p_wanted->>'user_id')::bigint, p_shop,
        p_wanted->>'role');
    IF p_wanted->>'key' IS NOT NULL THEN
        k := idempotency_stored_reply(
            p_shop, (p_wanted->>'user_id')::bigint, p_wanted->>'key', p_wanted->>'fingerprint');
        IF k.status_code IS NOT NULL THEN
            -- A sale's reply was stored before its number existed: the number is the bill's.
            IF position(p_wanted->>'bill_no_mark' IN k.response) > 0 THEN
                k.response := replace(k.response, p_wanted->>'bill_no_mark', (
                    SELECT x.bill_no FROM sales x
                    WHERE x.shop_id = p_shop
                      AND x.id = (k.response::jsonb->>'sale_id')::bigint));
            END IF;
            RETURN jsonb_build_object('replay', k.status_code, 'body', k.response)::text;
        END IF;
    END IF;
    IF v_catalogue > 0 THEN
        v_ids := v_ids || ARRAY(
            SELECT x.id FROM products x
            WHERE x.shop_id = p_shop AND x.archived_at IS NULL
            ORDER BY x.updated_at DESC, x.id
            LIMIT v_catalogue);
    END IF;
    RETURN jsonb_build_object(
        'shop', (SELECT to_jsonb(s) || jsonb_build_object('version', s.xmin::text)
                 FROM shops s WHERE s.id = p_shop),
        'products', (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'id', p.id, 'name', p.name, 'name_key', p.name_key,
                       'price_sale', p.price_sale, 'price_purchase', p.price_purchase,
                       'quantity', p.quantity, 'hsn_code', p.hsn_code, 'gst_rate', p.gst_rate,
                       'cess_rate', p.cess_rate, 'price_includes_tax', p.price_includes_tax
                   ) ORDER BY p.id), '[]'::jsonb)
            FROM products p
            WHERE p.shop_id = p_shop AND p.archived_at IS NULL
              AND (p.id = ANY(v_ids) OR p.name_key = ANY(v_keys))
        )
    )::text;
END
$fn$;

-- Writes the priced bill and returns {"status", "body"} as JSON text: the 201 reply. First
-- the caller's login session is checked (DK401), since a worker may price a bill from an
-- earlier quote (app.sales.quotes) and call this alone.
--
-- In order: check the shop's settings row is the version the bill was priced with, lock the
-- bill's products in id order and check that they are as priced (SQLSTATE DK412 if the shop
-- changed, or a product's price, cost, tax or name, or it was archived: the API quotes and
-- prices the bill again); take the stock
-- (DK409 when short); the customer; the lines, their movements and udhaar, all under the
-- sale's id drawn ahead; the Idempotency-Key with its reply (DK428 when a concurrent request
-- with the key finished first: the API looks again and replays its reply); then, last, the
-- shop's bill number and the numbered sale and its message.
-- The lines' foreign keys to the sale are checked at commit (DEFERRABLE), so the counter's
-- row lock is taken as late as possible and held only to the commit that ends the message.
--
-- `p`: shop_id, shop_version, session_id, user_id, role, key, fingerprint, key_ttl_s,
-- allow_negative, phone, customer_name,
-- fiscal_year, prefix, products (what the bill was priced from, as `sales_quote` gave
-- them), lines (bill order: product_id, quantity, rate, cost, total, profit, discount,
-- hsn_code, gst_rate, cess_rate, taxable_value, cgst, sgst, igst, cess), sale (the sales
-- row's columns), credit, due_date, message (channel, language, body) or null, reply, and
-- the marks standing for what is known only here: bill_no_mark, sale_id_mark, party_mark,
-- no_name (the party's word when the customer has no name).
CREATE OR REPLACE FUNCTION sales_record(p jsonb) RETURNS text
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan AS $fn$
DECLARE
    v_shop bigint := (p->>'shop_id')::bigint;
    v_date date := (p->'sale'->>'sale_date')::date;
    v_sale bigint;
    v_no bigint;
    v_bill_no text;
    v_reply text;
    v_same bigint;
    c customers;
    s jsonb := p->'sale';
    v_ids bigint[] := ARRAY(
        SELECT (e->>'id')::bigint FROM jsonb_array_elements(p->'products') e);
BEGIN
    PERFORM app_enter_shop(v_shop);
    PERFORM auth_session_check(
        (p->>'session_id')::bigint, (p->>'user_id')::bigint, v_shop, p->>'role');
    IF NOT EXISTS (
        SELECT FROM shops x WHERE x.id = v_shop AND x.xmin::text = p->>'shop_version'
    ) THEN
        RAISE EXCEPTION 'the shop''s settings changed while the bill was priced'
            USING ERRCODE = 'DK412';
    END IF;

    -- The bill's products, locked in id order, as they were priced.
    SELECT count(*) FILTER (WHERE
               (x.name, x.price_sale, x.price_purchase, x.hsn_code, x.gst_rate, x.cess_rate,
                x.price_includes_tax)
               IS NOT DISTINCT FROM (q.name, q.price_sale, q.price_purchase, q.hsn_code,
                                     q.gst_rate, q.cess_rate, q.price_includes_tax))
    INTO v_same
    FROM (
        SELECT x.* FROM products x
        WHERE x.shop_id = v_shop AND x.archived_at IS NULL
          AND x.id = ANY(v_ids)  -- an index lookup of each (see sales_quote)
        ORDER BY x.id
        FOR UPDATE
    ) x
    JOIN jsonb_to_recordset(p->'products') AS q(
        id bigint, name text, price_sale numeric, price_purchase numeric, hsn_code text,
        gst_rate numeric, cess_rate numeric, price_includes_tax boolean) ON q.id = x.id;
    IF v_same < jsonb_array_length(p->'products') THEN
        RAISE EXCEPTION '% of the bill''s % products changed while it was priced',
            jsonb_array_length(p->'products') - v_same, jsonb_array_length(p->'products')
            USING ERRCODE = 'DK412';
    END IF;

    v_sale := nextval(pg_get_serial_sequence('sales', 'id'));
    SET CONSTRAINTS fk_sale_lines_shop_id_sale_id_sales,
        fk_stock_movements_shop_id_sale_id_sales,
        fk_udhaar_entries_shop_id_sale_id_sales DEFERRED;
    PERFORM stock_take_for_sale(
        v_shop, v_sale, v_date, (p->>'allow_negative')::boolean, p->'lines');

    IF p->>'phone' IS NOT NULL THEN
        c := parties_upsert_customer(v_shop, p->>'phone', p->>'customer_name');
    END IF;

    INSERT INTO sale_lines (
        shop_id, sale_id, product_id, quantity, rate, cost_price, line_total, profit, discount,
        hsn_code, gst_rate, cess_rate, taxable_value, cgst, sgst, igst, cess
    )
    SELECT v_shop, v_sale, l.product_id, l.quantity, l.rate, l.cost, l.total, l.profit,
           l.discount, l.hsn_code, l.gst_rate, l.cess_rate, l.taxable_value, l.cgst, l.sgst,
           l.igst, l.cess
    FROM ROWS FROM (jsonb_to_recordset(p->'lines') AS (
        product_id bigint, quantity numeric, rate numeric, cost numeric, total numeric,
        profit numeric, discount numeric, hsn_code text, gst_rate numeric, cess_rate numeric,
        taxable_value numeric, cgst numeric, sgst numeric, igst numeric, cess numeric
    )) WITH ORDINALITY AS l(
        product_id, quantity, rate, cost, total, profit, discount, hsn_code, gst_rate,
        cess_rate, taxable_value, cgst, sgst, igst, cess, n)
    ORDER BY l.n;

    IF p->>'credit' IS NOT NULL THEN
        PERFORM udhaar_open_sale_credit(
            v_shop, c.id, v_sale, (p->>'credit')::numeric, v_date, (p->>'due_date')::date);
    END IF;

    -- The key and its reply (the number is filled in when it is replayed, see sales_quote):
    -- a concurrent request that used the key and finished first makes this one roll back.
    IF p->>'key' IS NOT NULL THEN
        PERFORM idempotency_claim_with_reply(
            v_shop, (p->>'user_id')::bigint, p->>'key', p->>'fingerprint',
            (p->>'key_ttl_s')::integer, 201,
            replace(p->>'reply', p->>'sale_id_mark', v_sale::text));
    END IF;

    -- The number, last: from here to the commit this shop's other bills wait.
    INSERT INTO bill_counters (shop_id, kind, fiscal_year, last_no)
    VALUES (v_shop, 'sale', p->>'fiscal_year', 1)
    ON CONFLICT (shop_id, kind, fiscal_year) DO UPDATE SET last_no = bill_counters.last_no + 1
    RETURNING last_no INTO v_no;
    v_bill_no := (p->>'prefix') || (p->>'fiscal_year') || '/' || lpad(v_no::text, 6, '0');

    INSERT INTO sales (
        shop_id, id, bill_no, customer_id, sale_date, total_amount, total_cost, profit,
        total_quantity, amount_paid, payment_mode, created_by, discount_total, document_type,
        round_off, taxable_value, cgst, sgst, igst, cess, buyer_gstin, buyer_name,
        buyer_address, place_of_supply
    )
    VALUES (
        v_shop, v_sale, v_bill_no, c.id, v_date, (s->>'total')::numeric,
        (s->>'total_cost')::numeric, (s->>'profit')::numeric,
        (s->>'total_quantity')::numeric, (s->>'paid')::numeric, s->>'payment_mode',
        (p->>'user_id')::bigint, (s->>'discount_total')::numeric, s->>'document_type',
        (s->>'round_off')::numeric, (s->>'taxable_value')::numeric, (s->>'cgst')::numeric,
        (s->>'sgst')::numeric, (s->>'igst')::numeric, (s->>'cess')::numeric,
        s->>'buyer_gstin', s->>'buyer_name', s->>'buyer_address', s->>'place_of_supply'
    );

    IF jsonb_typeof(p->'message') = 'object' AND c.id IS NOT NULL AND NOT c.opted_out THEN
        PERFORM notifications_queue(
            v_shop, c.id, p->'message'->>'channel', c.phone, 'sale_bill',
            p->'message'->>'language',
            replace(replace(p->'message'->>'body', p->>'bill_no_mark', v_bill_no),
                    p->>'party_mark', coalesce(nullif(c.name, ''), p->>'no_name')),
            'sale:' || v_sale);
    END IF;

    v_reply := replace(replace(p->>'reply', p->>'sale_id_mark', v_sale::text),
                       p->>'bill_no_mark', v_bill_no);
    RETURN jsonb_build_object('status', 201, 'body', v_reply, 'replayed', false)::text;
END
$fn$;
