"""What an API worker remembers of the quotes it read, so most sales take one round trip.

A sale is priced from its shop's settings and its products' prices, costs and taxes: the
quote (`sales_quote`). `sales_record` checks under the products' locks that the shop's row
and each product are still exactly as the bill was priced, and refuses otherwise (DK412),
writing nothing. So a worker may price a bill from what an earlier quote told it and send it
straight to `sales_record`: when that was right (the shop and the products unchanged), the
sale is one round trip; when it was stale, the refusal costs one more and the bill is quoted
and priced afresh. The stock is never taken from here: `sales_record` takes it under lock.

Nothing here is needed by another worker or trusted without that check
(docs/architecture.md, "Scale"); a worker that restarts only quotes again. Bounded, least
recently used first out.
"""

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.auth.service import ShopSettings
from app.sales.repository import FoundProduct

SHOPS = 2_000
PRODUCTS = 20_000
"""How many shops' settings and products one worker remembers: about 1.1 KB a product
(measured with tracemalloc), so 22 MB at most (a worker's RSS target is 200 MB; it starts at
about 131 MB since openpyxl and the Gemini SDK load only when used). A shop's everyday goods
are a few hundred to a couple of thousand products: ten to a hundred shops' worth."""
CATALOGUE = 2_000
"""How many of a shop's products a worker's first quote of the shop reads besides those the
bill names (the most recently sold or bought first), while the worker has room for them:
otherwise each product is quoted the first time a bill names it, and a bill is one call only
once all of its products have been seen. In the bench's 20 shops of 1,000 products, four
bills in five were still quoted 20 seconds into the run."""

V = TypeVar("V")


class _Recent(Generic[V]):
    """A dict that keeps its `limit` most recently used entries."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def room(self) -> int:
        """How many more entries fit before the least recently used are dropped."""
        return self._limit - len(self._items)


@dataclass(frozen=True, slots=True)
class ShopQuote:
    settings: ShopSettings
    version: str
    """The shop row's version as the quote read it (`sales_record` compares it)."""


@dataclass(frozen=True, slots=True)
class Remembered:
    shop: ShopQuote
    products: list[FoundProduct]
    """Every product the bill names, by id or name key (duplicates as named)."""


class QuoteCache:
    """The quotes one worker read: shops' settings, and products by id and by name key."""

    def __init__(self, *, shops: int = SHOPS, products: int = PRODUCTS) -> None:
        self._shops: _Recent[ShopQuote] = _Recent(shops)
        self._products: _Recent[FoundProduct] = _Recent(products)
        self._named: _Recent[int] = _Recent(products)
        """(shop, name key) -> the product's id."""

    def catalogue_for(self, shop_id: int) -> int:
        """How many more of the shop's products to read with a quote: its catalogue (up to
        `CATALOGUE`, and the room left) when the shop is new to this worker, else none."""
        if self._shops.get(shop_id) is not None:
            return 0
        return max(0, min(CATALOGUE, self._products.room()))

    def recall(self, shop_id: int, ids: list[int], keys: list[str]) -> Remembered | None:
        """The shop and every product named (`ids`, `keys`), or None if any is unknown."""
        shop = self._shops.get(shop_id)
        if shop is None:
            return None
        named = [self._named.get((shop_id, key)) for key in keys]
        found: list[FoundProduct] = []
        for product_id in [*ids, *named]:
            product = None if product_id is None else self._products.get((shop_id, product_id))
            if product is None:
                return None
            found.append(product)
        return Remembered(shop, found)

    def remember(self, shop_id: int, shop: ShopQuote, products: list[FoundProduct]) -> None:
        """What a fresh quote read, replacing what was remembered of the same things."""
        self._shops.put(shop_id, shop)
        for product in products:
            self._products.put((shop_id, product.id), product)
            self._named.put((shop_id, product.name_key), product.id)
