"""Command-line tools: ``flask db …`` and ``flask demo …``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

db_cli = AppGroup("db", help="Create and migrate the database.")
demo_cli = AppGroup("demo", help="The fictional demo world.")


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations (creates the database on first run)."""
    from app import migrate

    _ensure_sqlite_folder()
    migrate.upgrade(db.engine, revision)
    click.echo(f"Database is at {revision}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from app import migrate

    migrate.new_revision(db.engine, message)


@db_cli.command("check")
def db_check() -> None:
    """Exit non-zero if the models and the migrated database differ."""
    from app import migrate

    found = migrate.differences(db.engine)
    for difference in found:
        click.echo(repr(difference))
    if found:
        raise SystemExit(1)
    click.echo("Models match the migrations.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo world. Safe to run again: it changes nothing the second time."""
    from app.demo import load_demo

    created = load_demo(db.session)
    db.session.commit()
    click.echo("Demo world loaded." if created else "Demo world already there; nothing changed.")


def _ensure_sqlite_folder() -> None:
    from pathlib import Path

    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
