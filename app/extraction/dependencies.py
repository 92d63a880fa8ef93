"""The bill-photo dependency shared by /api/extract-products and purchase drafts.

Declared *before* the session in an endpoint's signature, it authenticates the caller, checks
and reads the photo while no database connection is held: a Gemini call can take seconds, and
a pool of connections idling on it would starve every other request.
"""

from typing import Annotated

from fastapi import Depends, File, Query, Request, UploadFile

from app.auth.dependencies import PrincipalDep
from app.config import ExtractionSettings
from app.extraction import service
from app.extraction.schemas import EngineChoice
from app.extraction.service import BillPhoto


async def extraction_settings(request: Request) -> ExtractionSettings:
    settings: ExtractionSettings = request.app.state.settings.extraction
    return settings


ExtractionSettingsDep = Annotated[ExtractionSettings, Depends(extraction_settings)]


async def read_bill_photo(
    request: Request,
    principal: PrincipalDep,
    settings: ExtractionSettingsDep,
    image: Annotated[
        UploadFile,
        File(description="A photo of the bill: JPEG, PNG or WebP (HEIC when supported), 10 MB"),
    ],
    engine: Annotated[
        EngineChoice,
        Query(
            description="`auto`: Gemini when configured, with the offline OCR as fallback; "
            "`ocr`: offline only; `gemini`: Gemini only (503 when it fails)"
        ),
    ] = "auto",
) -> BillPhoto:
    prepared = await service.prepare_upload(image, settings)
    await service.count_reading(request.app.state.sessionmaker, principal.shop_id, settings)
    return await service.read_photo(prepared, settings, engine)


BillPhotoDep = Annotated[BillPhoto, Depends(read_bill_photo)]
