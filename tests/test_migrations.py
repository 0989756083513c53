"""Migrations build the whole schema from empty and match the models exactly."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from nic import create_app
from nic.config import suite_config
from nic.extensions import db
from tests.conftest import PG_URL, with_search_path


def _fresh_url(tmp_path) -> tuple[str, str | None]:
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    schema = f"nic_mig_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    return with_search_path(PG_URL, schema), schema


def test_upgrade_from_empty_matches_models_and_downgrades(tmp_path):
    url, schema = _fresh_url(tmp_path)
    app = create_app(suite_config(url))
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
                tables = set(sa.inspect(conn).get_table_names())
            assert diff == []
            assert {"user", "peer_group", "thread", "post", "chat_message"} <= tables
            downgrade(revision="base")
            with db.engine.connect() as conn:
                assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        if schema:
            engine = sa.create_engine(PG_URL)
            with engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            engine.dispose()
