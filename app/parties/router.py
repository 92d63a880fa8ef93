"""HTTP endpoints of /api/customers and /api/vendors."""

from fastapi import APIRouter

from app.core.routing import DecimalRoute

router = APIRouter(tags=["customers and vendors"], route_class=DecimalRoute)
