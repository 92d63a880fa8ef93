"""HTTP endpoints of /api/notifications: the shop's outbox."""

from fastapi import APIRouter

from app.core.routing import DecimalRoute

router = APIRouter(tags=["messages"], route_class=DecimalRoute)
