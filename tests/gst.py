"""Helpers for GST tests: a registered shop and taxed products, set up over HTTP."""

from typing import Any

import httpx

from tests.conftest import ShopSession, create_product

MAHARASHTRA_GSTIN = "27AAPFU0939F1ZV"
KARNATAKA_GSTIN = "29AAFCC9980M1ZR"
HARYANA_GSTIN = "06AAMCS8709B1ZA"


async def register_for_gst(
    client: httpx.AsyncClient,
    shop: ShopSession,
    scheme: str = "regular",
    gstin: str = MAHARASHTRA_GSTIN,
    **fields: Any,
) -> dict[str, Any]:
    """Make `shop` a GST-registered shop (in Maharashtra, 27, unless told otherwise)."""
    response = await client.patch(
        "/api/auth/shop",
        json={"gst_scheme": scheme, "gstin": gstin} | fields,
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def taxed_product(
    client: httpx.AsyncClient,
    shop: ShopSession,
    *,
    rate: str = "18",
    price: str = "100.00",
    inclusive: bool = True,
    **fields: Any,
) -> int:
    """A product at `price` taxed at `rate`% (price includes tax unless `inclusive` is false)."""
    product = await create_product(
        client,
        shop,
        price_sale=price,
        price_purchase="50.00",
        quantity=100,
        gst_rate=rate,
        hsn_code="3401",
        price_includes_tax=inclusive,
        **fields,
    )
    return int(product["product_id"])
