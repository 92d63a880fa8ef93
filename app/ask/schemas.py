"""Bodies of /api/ask and of the legacy /api/ai/sql/."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.core.message_templates import Language

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class AskIn(BaseModel):
    question: Question = Field(examples=["aaj kitni bikri hui?", "who owes me the most?"])
    language: Language | None = Field(
        default=None, description="Language of the answer; the shop's when omitted"
    )


class Chart(BaseModel):
    type: Literal["bar", "line"]
    x: str = Field(description="The column on the x axis")
    y: str = Field(description="The column plotted")


class AskOut(BaseModel):
    answer: str = Field(description="One or two sentences answering the question")
    columns: list[str]
    rows: list[dict[str, Any]] = Field(description="The table behind the answer, by column")
    query_shown: str = Field(description="What was computed, in words (never SQL)")
    chart: Chart | None = None
    understood: bool = Field(description="False: not understood; `answer` lists examples")
    engine: Literal["offline", "gemini"]


class LegacySqlOut(BaseModel):
    """The shape the old web client's "Sahaayak AI" tab renders."""

    answer: str
    query: str
    columns: list[str]
    data: list[dict[str, Any]]
    error: str | None = None
