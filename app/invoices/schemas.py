"""Request and response bodies of the invoices domain (share links)."""

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.inputs import JSON_INTEGER
from app.core.share_links import ShareKind

ShareDays = Annotated[int, Field(ge=1, le=365), JSON_INTEGER]


class ShareIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"days": 7}]})

    days: ShareDays = Field(default=30, description="How long the link works (1-365 days)")


class ShareOut(BaseModel):
    kind: ShareKind
    document_id: int
    token: str = Field(description="The signed token in the link; names this document only")
    url: str = Field(
        description="`PUBLIC_BASE_URL/b/<token>` (this server's address when unset): opens the "
        "document as a web page, no login"
    )
    pdf_url: str = Field(description="The same as a PDF")
    expires_at: dt.datetime


class ShareRevoked(BaseModel):
    msg: str = "Share links revoked"
    kind: ShareKind
    document_id: int
    revoked_at: dt.datetime = Field(
        description="Every link to the document issued until now opens nothing; new ones work"
    )
