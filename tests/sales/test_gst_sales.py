"""GST on sales: the right document, tax per head exact to the paisa, the place of supply,
round-off, profit on the taxable value, invoice numbers, and the bill SMS's tax line."""

from decimal import Decimal

from tests.bills import bill_total_mismatches, exact, sale
from tests.conftest import create_product
from tests.gst import KARNATAKA_GSTIN, register_for_gst, taxed_product
from tests.outbox import execute, outbox_rows

D = Decimal


async def _detail(client, shop, sale_id: int) -> dict:
    response = await client.get(f"/api/sales/{sale_id}", headers=shop.headers)
    assert response.status_code == 200, response.text
    return dict(exact(response))


def _heads(row: dict) -> tuple[Decimal, ...]:
    return (row["taxable_value"], row["cgst"], row["sgst"], row["igst"], row["cess"])


async def test_100_at_18_percent_within_the_state_is_7_63_cgst_and_sgst(client, shop, app):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)

    sold = await sale(client, shop, [{"product_id": pid, "quantity": 1}])

    assert sold.status_code == 201, sold.text
    created = exact(sold)
    assert created["total_amount"] == D("100.00")
    assert created["profit"] == D("34.74")  # 84.74 taxable - 50.00 cost: tax is not profit
    detail = await _detail(client, shop, created["sale_id"])
    assert detail["document_type"] == "tax_invoice"
    assert _heads(detail) == (D("84.74"), D("7.63"), D("7.63"), D("0.00"), D("0.00"))
    assert (detail["place_of_supply"], detail["place_of_supply_name"]) == ("27", "Maharashtra")
    (line,) = detail["products"]
    assert (line["hsn_code"], line["gst_rate"], line["sale_price"]) == ("3401", D(18), D(100))
    assert _heads(line) == (D("84.74"), D("7.63"), D("7.63"), D("0.00"), D("0.00"))
    assert line["profit"] == D("34.74")
    assert await bill_total_mismatches(app, shop.shop_id) == []


async def test_100_at_18_percent_to_another_state_is_15_25_igst(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)

    sold = await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 1}],
        place_of_supply="29",
        buyer_address="4th Cross, Jayanagar, Bengaluru",
    )

    assert sold.status_code == 201, sold.text
    detail = await _detail(client, shop, exact(sold)["sale_id"])
    assert _heads(detail) == (D("84.75"), D("0.00"), D("0.00"), D("15.25"), D("0.00"))
    assert detail["place_of_supply"] == "29"


async def test_another_state_for_an_unregistered_buyer_needs_the_address(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)

    refused = await sale(client, shop, [{"product_id": pid, "quantity": 1}], place_of_supply="29")

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["loc"] == ["body", "buyer_address"]


async def test_a_b2c_invoice_from_50000_names_the_buyer_and_address(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop, price="59000.00")
    line = [{"product_id": pid, "quantity": 1}]

    anonymous = await sale(client, shop, line, customer_name=None, phone_no=None)
    named = await sale(client, shop, line, buyer_address="Shop 4, Station Road, Pune")

    # 59,000 at 18% inclusive is a taxable value of 50,000.00: the threshold itself.
    assert anonymous.status_code == 422, anonymous.text
    assert anonymous.json()["errors"][0]["loc"] == ["body", "buyer_name"]
    assert named.status_code == 201, named.text
    detail = await _detail(client, shop, exact(named)["sale_id"])
    assert (detail["taxable_value"], detail["buyer_name"]) == (D("50000.00"), "Ramesh")


async def test_a_registered_buyer_s_gstin_sets_the_place_of_supply(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)

    sold = await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 2}],
        buyer_gstin=KARNATAKA_GSTIN.lower(),
        buyer_name="Chandra Traders",
        buyer_address="12 MG Road, Bengaluru",
    )

    assert sold.status_code == 201, sold.text
    detail = await _detail(client, shop, exact(sold)["sale_id"])
    assert detail["buyer_gstin"] == KARNATAKA_GSTIN
    assert (detail["place_of_supply"], detail["igst"], detail["cgst"]) == (
        "29",
        D("30.51"),  # 200 x 18 / 118 = 30.508...
        D("0.00"),
    )
    assert detail["taxable_value"] == D("169.49")


async def test_a_mistyped_buyer_gstin_is_a_422_naming_it_and_nothing_is_written(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)

    refused = await sale(
        client, shop, [{"product_id": pid, "quantity": 1}], buyer_gstin="27AAPFU0939F1ZO"
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["loc"] == ["body", "buyer_gstin"]
    listed = await client.get("/api/sales/", headers=shop.headers)
    assert listed.json() == []


async def test_a_price_before_tax_adds_the_tax_to_the_line(client, shop, app):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop, price="84.75", inclusive=False)

    sold = await sale(client, shop, [{"product_id": pid, "quantity": 1}])

    assert sold.status_code == 201, sold.text
    detail = await _detail(client, shop, exact(sold)["sale_id"])
    # 84.75 x 9% = 7.6275 -> 7.63 per head.
    assert _heads(detail) == (D("84.75"), D("7.63"), D("7.63"), D("0.00"), D("0.00"))
    assert detail["total_amount"] == D("100.01")
    assert await bill_total_mismatches(app, shop.shop_id) == []


async def test_cess_is_a_head_of_its_own_on_top_of_gst(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop, rate="40", price="250.00", cess_rate="12")

    sold = await sale(client, shop, [{"product_id": pid, "quantity": 1}])

    assert sold.status_code == 201, sold.text
    detail = await _detail(client, shop, exact(sold)["sale_id"])
    # 250 x 20 / 152 = 32.894.. -> 32.89 each; cess 250 x 12 / 152 = 19.736.. -> 19.74.
    assert _heads(detail) == (D("164.48"), D("32.89"), D("32.89"), D("0.00"), D("19.74"))


async def test_a_shop_that_rounds_to_the_rupee_shows_a_round_off_line(client, shop, app):
    await register_for_gst(client, shop, round_to_rupee=True)
    pid = await taxed_product(client, shop, price="33.33", rate="5")

    sold = await sale(client, shop, [{"product_id": pid, "quantity": 3}])

    assert sold.status_code == 201, sold.text
    created = exact(sold)
    assert created["total_amount"] == D("100.00")
    detail = await _detail(client, shop, created["sale_id"])
    assert detail["round_off"] == D("0.01")
    assert sum(_heads(detail), detail["round_off"]) == D("100.00")
    assert await bill_total_mismatches(app, shop.shop_id) == []


async def test_a_composition_shop_issues_a_bill_of_supply_without_tax(client, shop):
    await register_for_gst(client, shop, scheme="composition")
    pid = await taxed_product(client, shop)

    sold = await sale(client, shop, [{"product_id": pid, "quantity": 1}])

    assert sold.status_code == 201, sold.text
    detail = await _detail(client, shop, exact(sold)["sale_id"])
    assert detail["document_type"] == "bill_of_supply"
    assert detail["declaration"] == (
        "composition taxable person, not eligible to collect tax on supplies"
    )
    assert _heads(detail) == (D("100.00"), D(0), D(0), D(0), D(0))
    assert detail["products"][0]["gst_rate"] == D(0)


async def test_a_composition_shop_cannot_sell_to_another_state(client, shop):
    await register_for_gst(client, shop, scheme="composition")
    pid = await taxed_product(client, shop)

    refused = await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 1}],
        place_of_supply="07",
        buyer_address="Karol Bagh, Delhi",
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["loc"] == ["body", "place_of_supply"]


async def test_an_unregistered_shop_s_bill_is_unchanged(client, shop):
    pid = int(
        (await create_product(client, shop, price_sale="100.00", gst_rate="18"))["product_id"]
    )

    sold = await sale(client, shop, [{"product_id": pid, "quantity": 1}])

    detail = await _detail(client, shop, exact(sold)["sale_id"])
    assert detail["document_type"] == "bill"
    assert (detail["total_amount"], detail["profit"]) == (D("100.00"), D("90.00"))
    assert _heads(detail) == (D("100.00"), D(0), D(0), D(0), D(0))
    assert detail["place_of_supply"] is None
    assert detail["bill_no"].startswith("2026-27/") or detail["bill_no"][4] == "-"


async def test_a_rate_gone_from_the_slabs_is_refused_after_the_change(client, shop, app):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)
    # A product rated before 22 September 2025, when 12% was still a slab.
    await execute(app, "UPDATE products SET gst_rate = 12 WHERE id = :id", id=pid)

    today = await sale(client, shop, [{"product_id": pid, "quantity": 1}])
    before = await sale(
        client, shop, [{"product_id": pid, "quantity": 1}], transaction_date="2025-09-01"
    )

    assert today.status_code == 422, today.text
    assert today.json()["errors"][0]["loc"] == ["body", "products", 0]
    assert "12% is not a GST rate" in today.json()["detail"]
    assert before.status_code == 201, before.text
    detail = await _detail(client, shop, exact(before)["sale_id"])
    assert (detail["cgst"], detail["sgst"]) == (D("5.36"), D("5.36"))  # 100 x 6 / 112


async def test_invoice_numbers_carry_the_prefix_and_fit_16_characters(client, shop):
    await register_for_gst(client, shop, invoice_prefix="SK")
    pid = await taxed_product(client, shop)

    numbers = [
        exact(await sale(client, shop, [{"product_id": pid, "quantity": 1}]))["bill_no"]
        for _ in range(2)
    ]

    assert numbers[0][:2] == "SK" and numbers[0].endswith("/000001")
    assert numbers[1].endswith("/000002")
    assert all(len(number) <= 16 for number in numbers)


async def test_the_bill_sms_states_the_tax_in_one_short_line(client, shop, app):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)

    sold = await sale(client, shop, [{"product_id": pid, "quantity": 1}], phone_no="9812300991")

    assert sold.status_code == 201, sold.text
    (message,) = await outbox_rows(app, shop.shop_id)
    assert "Incl. GST Rs 15.26 (CGST 7.63+SGST 7.63)." in message["body"]


async def test_an_untaxed_bill_sms_has_no_tax_line(client, shop, app):
    pid = int((await create_product(client, shop, price_sale="100.00"))["product_id"])

    await sale(client, shop, [{"product_id": pid, "quantity": 1}], phone_no="9812300992")

    (message,) = await outbox_rows(app, shop.shop_id)
    assert "GST" not in message["body"]


async def test_the_sale_list_shows_each_bill_s_document_and_tax(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)
    await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 1}],
        place_of_supply="29",
        buyer_address="Mysuru",
    )

    (row,) = exact(await client.get("/api/sales/", headers=shop.headers))

    assert row["document_type"] == "tax_invoice"
    assert (row["taxable_value"], row["igst"], row["round_off"]) == (
        D("84.75"),
        D("15.25"),
        D(0),
    )


async def test_a_return_of_a_tax_invoice_is_a_credit_note_reversing_each_head(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)
    created = exact(await sale(client, shop, [{"product_id": pid, "quantity": 3}]))
    sale_id = created["sale_id"]
    invoice = await _detail(client, shop, sale_id)

    first = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": pid, "quantity": 1}]},
        headers=shop.headers,
    )
    rest = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": pid, "quantity": 2}]},
        headers=shop.headers,
    )

    assert first.status_code == 201, first.text
    notes = [exact(first), exact(rest)]
    assert [n["credit_note_no"] for n in notes] == ["CN2026-27/000001", "CN2026-27/000002"]
    assert notes[0]["invoice_no"] == invoice["bill_no"]
    assert notes[0]["invoice_date"] == invoice["transaction_date"]
    # 300 at 18%: CGST = SGST = 22.88, taxable 254.24; a third back is 7.63 each.
    assert _heads(notes[0]) == (D("84.75"), D("7.63"), D("7.63"), D(0), D(0))
    assert notes[0]["amount"] == D("100.01")
    # Both notes together reverse the invoice to the paisa.
    assert [sum(pair) for pair in zip(*map(_heads, notes), strict=True)] == list(_heads(invoice))
    assert sum(n["amount"] for n in notes) == invoice["total_amount"]
    listed = (await _detail(client, shop, sale_id))["credit_notes"]
    assert [n["credit_note_no"] for n in listed] == ["CN2026-27/000001", "CN2026-27/000002"]


async def test_a_return_of_a_plain_bill_issues_no_credit_note(client, shop):
    pid = int((await create_product(client, shop, price_sale="100.00"))["product_id"])
    sale_id = exact(await sale(client, shop, [{"product_id": pid, "quantity": 2}]))["sale_id"]

    returned = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": pid, "quantity": 1}]},
        headers=shop.headers,
    )

    assert returned.status_code == 201, returned.text
    body = exact(returned)
    assert (body["credit_note_no"], body["amount"], body["taxable_value"]) == (
        None,
        D("100.00"),
        D("100.00"),
    )
