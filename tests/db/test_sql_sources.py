"""Database functions and triggers are declared once, in their domain's `sql/` source, and the
database runs exactly those sources (app.db.sources).

A source edited without the migration that re-applies it (`scripts/sql_migration.py`) fails
here, as does a migration that hand-copies a function differing from its source.
"""

from pathlib import Path

import asyncpg
import pytest

from app.db import sources


def test_every_source_file_is_listed() -> None:
    app = sources.ROOT / "app"
    found = {str(p.relative_to(sources.ROOT)) for p in app.rglob("*.sql")}
    assert found == set(sources.SOURCES)


def test_every_source_is_applied_by_a_migration_pinning_its_text() -> None:
    assert sources.changed() == []


def test_an_edited_source_needs_a_generated_migration(monkeypatch: pytest.MonkeyPatch) -> None:
    edited = "app/reports/sql/daily_sales.sql"
    real = sources.read
    monkeypatch.setattr(
        sources, "read", lambda path: real(path) + "\n-- edited" if path == edited else real(path)
    )
    assert sources.changed() == [edited]
    migration = sources.render_migration("0099_x", "0098_y", "x", "2027-01-01 00:00", [edited])
    assert f'apply_sql_source("{edited}", "{sources.sha256(edited)}")' in migration
    compile(migration, "generated.py", "exec")


async def test_the_database_functions_are_their_sources(database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
        )
        triggers = {
            r["tgname"]
            for r in await connection.fetch("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        }
    finally:
        await connection.close()
    in_database = {row["proname"]: row["prosrc"] for row in rows}
    differing = [
        name
        for path in sources.SOURCES
        for name, body in sources.function_bodies(path).items()
        if in_database.get(name) != body
    ]
    assert differing == []
    declared = {
        statement.split()[4]
        for path in sources.SOURCES
        for statement in sources.statements(path)
        if statement.upper().startswith("CREATE OR REPLACE TRIGGER")
    }
    assert declared and declared <= triggers


def test_sources_live_in_their_owning_domain() -> None:
    for path in sources.SOURCES:
        assert Path(path).parts[0] == "app" and Path(path).suffix == ".sql"
