"""Invoices people can hold, over HTTP: every format of a sale's bill, credit notes, purchase
bills and statements, the UPI QR code that decodes to the exact payment link, Hindi, and the
errors a client gets for a bad request."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from wcwidth import wcswidth

from tests.bills import exact, purchase, sale
from tests.conftest import create_product, register_shop, unique_phone
from tests.gst import KARNATAKA_GSTIN, register_for_gst, taxed_product
from tests.pdfs import flat, pdf_qr_codes, pdf_text

D = Decimal
UPI_ID = "sharma.kirana@okaxis"


async def _set_upi(client, shop, **fields) -> dict:
    response = await client.patch(
        "/api/auth/shop",
        json={"upi_id": UPI_ID, "upi_payee_name": "Sharma Kirana & Sons"} | fields,
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _invoice(client, shop, sale_id: int, fmt: str = "pdf", **params):
    response = await client.get(
        f"/api/sales/{sale_id}/invoice", params={"format": fmt} | params, headers=shop.headers
    )
    assert response.status_code == 200, response.text
    return response


def _widths_ok(text: str, width: int) -> list[str]:
    """Lines wider than `width`, counted in code points and in terminal columns."""
    return [line for line in text.splitlines() if max(len(line), wcswidth(line)) > width]


async def _credit_sale(client, shop, product_id: int, phone: str, quantity: int, paid: str):
    response = await sale(
        client,
        shop,
        [{"product_id": product_id, "quantity": quantity}],
        bill_paid=False,
        amount_paid=paid,
        phone_no=phone,
        customer_name="Meena Devi",
    )
    assert response.status_code == 201, response.text
    return exact(response)


async def test_a_credit_bill_prints_previous_balance_due_and_a_qr_that_decodes_to_the_upi_link(
    client, shop
):
    await _set_upi(client, shop)
    product = await create_product(
        client, shop, product_name="Basmati Rice 5kg", price_sale="450.00"
    )
    phone = unique_phone()
    await _credit_sale(client, shop, product["product_id"], phone, 1, "0.00")  # owes 450
    second = await _credit_sale(client, shop, product["product_id"], phone, 2, "100.00")

    pdf = (await _invoice(client, shop, second["sale_id"])).content

    assert pdf.startswith(b"%PDF")
    text = flat(pdf_text(pdf))
    assert second["bill_no"] in text
    assert "Basmati Rice 5kg" in text
    assert "900.00" in text  # total
    assert "Rupees Nine Hundred Only" in text
    assert re.search(r"Previous balance\s*450\.00", text), text
    assert re.search(r"Balance due\s*1,250\.00", text), text  # 450 + 900 - 100
    (qr,) = pdf_qr_codes(pdf)
    assert qr == (
        "upi://pay?pa=sharma.kirana@okaxis&pn=Sharma%20Kirana%20%26%20Sons&am=800.00&cu=INR"
        f"&tn=Bill%20{second['bill_no'].replace('/', '%2F')}"
    )
    query = parse_qs(urlsplit(qr).query)
    assert query["am"] == ["800.00"]  # what is unpaid on this bill
    assert len(query["tn"][0]) <= 50


async def test_a_bill_paid_in_full_or_a_shop_without_upi_has_no_qr(client, shop):
    product = await create_product(client, shop, price_sale="30.00")
    phone = unique_phone()
    owing = await _credit_sale(client, shop, product["product_id"], phone, 1, "0.00")
    assert pdf_qr_codes((await _invoice(client, shop, owing["sale_id"])).content) == []

    await _set_upi(client, shop)
    paid = exact(await sale(client, shop, [{"product_id": product["product_id"], "quantity": 1}]))
    assert pdf_qr_codes((await _invoice(client, shop, paid["sale_id"])).content) == []
    assert len(pdf_qr_codes((await _invoice(client, shop, owing["sale_id"])).content)) == 1


async def test_the_upi_link_is_also_on_the_web_page(client, shop):
    await _set_upi(client, shop)
    product = await create_product(client, shop, price_sale="99.50")
    owing = await _credit_sale(client, shop, product["product_id"], unique_phone(), 1, "0.00")

    page = (await _invoice(client, shop, owing["sale_id"], "html")).text

    assert 'href="upi://pay?pa=sharma.kirana@okaxis&amp;pn=Sharma%20Kirana%20%26%20Sons' in page
    assert "am=99.50" in page
    assert "<svg" in page


@pytest.mark.parametrize(("fmt", "width"), [("text58", 32), ("text80", 48)])
async def test_thermal_receipts_keep_every_line_within_the_paper(client, shop, fmt, width):
    await register_for_gst(
        client,
        shop,
        legal_name="Sharma Kirana and General Stores Pvt Ltd",
        address="Shop 4, Plot 221/B, Near Hanuman Mandir, Sector 15, Vashi, Navi Mumbai 400703",
    )
    await _set_upi(client, shop)
    lines = []
    for name in (
        "Fortune Sunlite Refined Sunflower Oil Pouch 1 Litre Family Pack",
        "बासमती चावल प्रीमियम क्वालिटी 25 किलो",
        "Supercalifragilisticexpialidociousbiscuitsinafamilypackof24",
        "Salt",
    ):
        pid = await taxed_product(client, shop, product_name=name, price="1234.56")
        lines.append({"product_id": pid, "quantity": "3", "discount": "10.00"})
    sold = exact(
        await sale(
            client,
            shop,
            lines,
            bill_paid=False,
            amount_paid="500.00",
            buyer_gstin=KARNATAKA_GSTIN,
            buyer_name="Karnataka Traders",
            buyer_address="12 MG Road, Bengaluru",
        )
    )

    response = await _invoice(client, shop, sold["sale_id"], fmt)

    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert _widths_ok(text, width) == []
    flat_text = flat(text)
    assert sold["bill_no"] in flat_text
    assert "IGST" in flat_text
    total = f"{sold['total_amount']:,.2f}"
    assert any(line.rstrip().endswith(total) for line in text.splitlines())
    assert "Karnataka Traders" in flat_text


async def test_a_hindi_shop_gets_hindi_labels_in_the_pdf_and_english_on_request(client, shop):
    response = await client.patch("/api/auth/shop", json={"language": "hi"}, headers=shop.headers)
    assert response.status_code == 200
    product = await create_product(client, shop, product_name="शिक्षा किताब", price_sale="120.00")
    sold = exact(await sale(client, shop, [{"product_id": product["product_id"], "quantity": 1}]))

    hindi = flat(pdf_text((await _invoice(client, shop, sold["sale_id"])).content))
    english = flat(pdf_text((await _invoice(client, shop, sold["sale_id"], lang="en")).content))

    assert "कुल" in hindi  # "Total"
    assert "शिक्षा किताब" in hindi  # the conjunct and the vowel sign come back in order
    assert "एक सौ बीस रुपये" in hindi
    assert "Total" in english and "कुल" not in english
    assert "Rupees One Hundred Twenty Only" in english


async def test_a_tax_invoice_names_itself_the_gstins_and_the_tax_per_head(client, shop):
    await register_for_gst(client, shop, legal_name="Sharma Kirana LLP", address="Vashi")
    pid = await taxed_product(client, shop, product_name="Soap")
    sold = exact(
        await sale(
            client,
            shop,
            [{"product_id": pid, "quantity": 1}],
            buyer_gstin=KARNATAKA_GSTIN,
            buyer_name="Blr Traders",
            buyer_address="Bengaluru",
        )
    )

    text = flat(pdf_text((await _invoice(client, shop, sold["sale_id"])).content))

    assert "Tax Invoice" in text
    assert "27AAPFU0939F1ZV" in text and KARNATAKA_GSTIN in text
    assert "IGST" in text and "15.25" in text and "84.75" in text
    assert "29-Karnataka" in text


async def test_a_credit_note_names_its_original_invoice(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop, product_name="Detergent")
    sold = exact(await sale(client, shop, [{"product_id": pid, "quantity": 3}]))
    returned = await client.post(
        f"/api/sales/{sold['sale_id']}/returns",
        json={"products": [{"product_id": pid, "quantity": 1}]},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text
    note = exact(returned)

    response = await client.get(
        f"/api/sales/{sold['sale_id']}/returns/{note['return_id']}/credit-note",
        params={"format": "text80"},
        headers=shop.headers,
    )

    assert response.status_code == 200, response.text
    text = flat(response.text)
    assert "Credit Note" in text
    assert note["credit_note_no"] in text
    assert sold["bill_no"] in text
    pdf = await client.get(
        f"/api/sales/{sold['sale_id']}/returns/{note['return_id']}/credit-note",
        headers=shop.headers,
    )
    assert note["credit_note_no"] in flat(pdf_text(pdf.content))
    other = await client.get(
        f"/api/sales/{sold['sale_id']}/returns/{note['return_id'] + 1000}/credit-note",
        headers=shop.headers,
    )
    assert other.status_code == 404


async def test_a_purchase_bill_prints_the_vendor_and_what_the_shop_owes(client, shop):
    product = await create_product(client, shop, product_name="Toor Dal")
    bought = await purchase(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 10, "price_purchase": "95.50"}],
        bill_paid=False,
        amount_paid="0.00",
        invoice_no="AT/778",
    )
    assert bought.status_code == 201, bought.text
    purchase_id = exact(bought)["purchase_id"]

    response = await client.get(f"/api/purchases/{purchase_id}/invoice", headers=shop.headers)

    assert response.status_code == 200, response.text
    text = flat(pdf_text(response.content))
    assert "Purchase Bill" in text and "Agarwal Traders" in text and "AT/778" in text
    assert "955.00" in text
    assert pdf_qr_codes(response.content) == []


async def test_a_customer_statement_as_pdf_asks_for_everything_owed_today(client, shop):
    await _set_upi(client, shop)
    product = await create_product(client, shop, price_sale="250.00")
    phone = unique_phone()
    first = await _credit_sale(client, shop, product["product_id"], phone, 2, "0.00")
    detail = exact(await client.get(f"/api/sales/{first['sale_id']}", headers=shop.headers))
    customer_id = detail["customer_id"]
    paid = await client.post(
        f"/api/customers/{customer_id}/payments", json={"amount": "120.00"}, headers=shop.headers
    )
    assert paid.status_code == 201, paid.text

    as_json = await client.get(f"/api/customers/{customer_id}/statement", headers=shop.headers)
    as_pdf = await client.get(
        f"/api/customers/{customer_id}/statement", params={"format": "pdf"}, headers=shop.headers
    )
    receipt = await client.get(
        f"/api/customers/{customer_id}/statement",
        params={"format": "text58"},
        headers=shop.headers,
    )

    assert exact(as_json)["closing_balance"] == D("380.00")
    assert as_pdf.headers["content-type"] == "application/pdf"
    text = flat(pdf_text(as_pdf.content))
    assert "380.00" in text and "120.00" in text
    (qr,) = pdf_qr_codes(as_pdf.content)
    assert "am=380.00" in qr and qr.startswith("upi://pay?pa=sharma.kirana@okaxis&")
    assert _widths_ok(receipt.text, 32) == []
    assert "380.00" in receipt.text


async def test_a_vendor_statement_has_no_qr(client, shop):
    await _set_upi(client, shop)
    product = await create_product(client, shop)
    bought = exact(
        await purchase(
            client,
            shop,
            [{"product_id": product["product_id"], "quantity": 2, "price_purchase": "40.00"}],
            bill_paid=False,
            amount_paid="0.00",
        )
    )
    detail = exact(
        await client.get(f"/api/purchases/{bought['purchase_id']}", headers=shop.headers)
    )
    vendor_id = detail["vendor_id"]

    response = await client.get(
        f"/api/vendors/{vendor_id}/statement", params={"format": "pdf"}, headers=shop.headers
    )

    assert response.status_code == 200, response.text
    assert "80.00" in flat(pdf_text(response.content))
    assert pdf_qr_codes(response.content) == []


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("/api/sales/1/invoice?format=docx", "format"),
        ("/api/sales/1/invoice?lang=fr", "lang"),
        ("/api/sales/abc/invoice", "sale_id"),
        ("/api/sales/0/invoice", "sale_id"),
        ("/api/customers/1/statement?format=xml", "format"),
    ],
)
async def test_bad_requests_are_a_422_naming_the_parameter(client, shop, url, where):
    response = await client.get(url, headers=shop.headers)
    assert response.status_code == 422, response.text
    assert where in response.text


async def test_another_shops_bill_is_not_found(client, shop):
    other = await register_shop(client, "Other")
    product = await create_product(client, other)
    sold = exact(await sale(client, other, [{"product_id": product["product_id"], "quantity": 1}]))

    for fmt in ("pdf", "html", "text58"):
        response = await client.get(
            f"/api/sales/{sold['sale_id']}/invoice", params={"format": fmt}, headers=shop.headers
        )
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("shop@upi", True),
        ("9876543210@ybl", True),
        ("Sharma.Kirana@OKAXIS", True),
        ("sharma kirana@okaxis", False),
        ("no-handle", False),
        ("@okaxis", False),
        ("a@b", False),
        ("shop@up i", False),
    ],
)
async def test_the_upi_id_is_checked(client, shop, value, ok):
    response = await client.patch("/api/auth/shop", json={"upi_id": value}, headers=shop.headers)
    if ok:
        assert response.status_code == 200, response.text
        assert response.json()["upi_id"] == value.lower()
    else:
        assert response.status_code == 422, response.text
        assert "upi_id" in response.text


async def test_a_blank_upi_id_removes_it(client, shop):
    await _set_upi(client, shop)
    response = await client.patch("/api/auth/shop", json={"upi_id": ""}, headers=shop.headers)
    assert response.status_code == 200
    assert response.json()["upi_id"] is None
