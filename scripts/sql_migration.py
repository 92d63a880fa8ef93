"""Write a migration that re-applies the database functions/triggers whose source changed.

    .venv/bin/python scripts/sql_migration.py <revision> <down_revision> <slug>

Compares every source of `app.db.sources.SOURCES` with the hash pinned by the newest
migration applying it, and writes `migrations/versions/<date>_<slug>.py` applying the changed
ones (nothing to do: says so and writes nothing).
"""

import datetime as dt
import sys

from app.db import sources


def main(revision: str, down_revision: str, slug: str) -> int:
    paths = sources.changed()
    if not paths:
        print("every SQL source is applied by a migration already")
        return 0
    now = dt.datetime.now(dt.UTC)
    target = sources.MIGRATIONS / f"{now:%Y_%m_%d_%H%M}_{slug}.py"
    target.write_text(
        sources.render_migration(revision, down_revision, slug, f"{now:%Y-%m-%d %H:%M}", paths)
    )
    print(f"wrote {target.relative_to(sources.ROOT)} re-applying {', '.join(paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
