"""HTTP endpoint of /api/extract-products: a bill photo in, matched lines out, nothing stored."""

from fastapi import APIRouter

from app.auth.dependencies import PrincipalDep, ShopSessionDep
from app.core.openapi import BODY, error_responses
from app.core.responses import DecimalJSONResponse, respond
from app.extraction import service
from app.extraction.dependencies import BillPhotoDep, ExtractionSettingsDep
from app.extraction.schemas import ExtractionOut

router = APIRouter(prefix="/api", tags=["extraction"])


@router.post(
    "/extract-products",
    response_model=ExtractionOut,
    responses=error_responses(*BODY, 415),
)
async def extract_products(
    photo: BillPhotoDep,
    session: ShopSessionDep,
    principal: PrincipalDep,
    settings: ExtractionSettingsDep,
) -> DecimalJSONResponse:
    """Read a bill photo and match its lines to the shop's products. Stores nothing.

    Not an image (by its bytes) -> 415; over 10 MB or too many pixels -> 413; an empty file
    -> 422; the reading engine down or timing out (and no fallback) -> 503 `provider_unavailable`.
    """
    return respond(await service.match_reading(session, principal.shop_id, photo, settings))
