"""Alembic, driven from the app: `upgrade()` / `downgrade()` on the configured database."""
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import current_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(revision: str = "head") -> None:
    with current_app.extensions["docs_engine"].begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(revision: str = "base") -> None:
    with current_app.extensions["docs_engine"].begin() as conn:
        command.downgrade(alembic_config(conn), revision)
