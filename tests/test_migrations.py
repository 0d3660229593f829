"""Alembic migrations build the same schema as the models, on the test database."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from database import install_migrations
from extensions import db


@pytest.fixture
def migrated_app(app_config, tmp_path, request):
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    if url == "sqlite://":
        url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    application = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url}, read_environment=False)
    install_migrations(application)
    with application.app_context():
        db.drop_all()
        yield application
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


def test_migrations_match_models(migrated_app):
    upgrade()
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


#: written before migrations were named by date (migrations/alembic.ini ``file_template``)
_UNDATED = {"1d1b509a03aa_initial_schema.py"}


def test_new_migration_files_are_named_by_date():
    import re
    from pathlib import Path

    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    names = {p.name for p in versions.glob("*.py")}
    assert names >= _UNDATED
    undated = sorted(n for n in names - _UNDATED
                     if not re.match(r"^\d{4}_\d{2}_\d{2}_[0-9a-f]+_\w+\.py$", n))
    assert undated == [], "name new migrations RRRR_MM_DD_<rev>_<slug>.py (flask db revision)"
