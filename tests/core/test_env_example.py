"""`.env.example` lists every setting the service reads, so the README's promise holds."""

import re
from pathlib import Path

from pydantic_settings import BaseSettings

from app.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def _environment_names(model: type[BaseSettings]) -> set[str]:
    names: set[str] = set()
    for field in model.model_fields.values():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseSettings):
            names |= _environment_names(annotation)
        elif isinstance(field.validation_alias, str):
            names.add(field.validation_alias)
    return names


def test_env_example_lists_every_setting():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    missing = _environment_names(Settings) - listed
    assert not missing, f"add to .env.example: {sorted(missing)}"
    assert len(listed) >= 40
