"""`flask journey purge`: remove for good the journey book entries deleted more than 30 days ago."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

journey_cli = AppGroup("journey", help="The journey book's housekeeping.")


@journey_cli.command("purge")
def purge() -> None:
    """Remove entries deleted more than 30 days ago, with their photos (rows and files). Run daily.

    Safe to run again: what is already gone is not counted twice.
    """
    from app.domain import journey, photos
    from app.extensions import db
    from app.models import utcnow

    removed = journey.purge(db.session, utcnow(), photos.photo_dir(current_app.config))
    click.echo(f"Removed {removed} deleted journey book entr{'y' if removed == 1 else 'ies'} for good.")
