"""HTTP endpoints of /api/udhaar: credit entries, payments, reminders, summary, due lists."""

from fastapi import APIRouter

from app.core.routing import DecimalRoute

router = APIRouter(tags=["udhaar"], route_class=DecimalRoute)
