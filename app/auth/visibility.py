"""What a staff login may not see: what the shop paid for its goods, and its profit.

Owners see everything. For staff, cost and profit fields of a reply are blanked (null)
rather than removed, so one response schema serves both roles. A model whose other fields
also tell what the shop paid (a purchase draft's totals) names them in a `STAFF_HIDDEN`
class variable. Endpoints that are about costs as a whole (purchase bills, purchase drafts,
profit reports) are refused to staff instead.
"""

from collections.abc import Awaitable, Sequence
from typing import TypeVar

from pydantic import BaseModel

from app.core.security import Principal

COST_FIELDS = frozenset({"price_purchase", "cost_price", "profit", "total_cost"})
Shown = TypeVar("Shown", bound=BaseModel | Sequence[BaseModel])


def _blank(model: BaseModel) -> BaseModel:
    hidden = COST_FIELDS | getattr(type(model), "STAFF_HIDDEN", frozenset())
    changes: dict[str, object] = {name: None for name in hidden if name in type(model).model_fields}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            changes[name] = _blank(value)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            changes[name] = [_blank(item) for item in value]
    return model.model_copy(update=changes)


def for_role(principal: Principal, content: Shown) -> Shown:
    """`content` as `principal` may see it."""
    if principal.role == "owner":
        return content
    if isinstance(content, BaseModel):
        return _blank(content)  # type: ignore[return-value]
    return [_blank(item) for item in content]  # type: ignore[return-value]


async def shown(principal: Principal, pending: Awaitable[Shown]) -> Shown:
    """`for_role` for a reply still being computed (the idempotent-create callbacks)."""
    return for_role(principal, await pending)
