"""`flask reminders …`: the daily job that keeps occurrences up to date and sends reminders."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Occurrences and reminders (run daily by cron).")


@reminders_cli.command("send")
def send() -> None:
    """Update occurrences, close windows, queue today's reminders and send the push messages due.

    Safe to run again and in several copies at once. E-mails go with `flask outbox send`.
    """
    from app.domain import reminders

    result = reminders.run(current_app._get_current_object())
    click.echo(
        f"Occurrences: {result.added} added, {result.closed} closed. "
        f"Reminders queued: {result.emails} e-mail(s), {result.pushes} push message(s). "
        f"Push messages sent: {result.pushed}."
    )


@reminders_cli.command("push")
@click.option("--limit", default=50, show_default=True, help="Send at most this many.")
def push_send(limit: int) -> None:
    """Send the push messages that are due (new ones, and failed ones whose retry time has come)."""
    from app.domain import push

    if not push.is_configured(current_app.config):
        raise click.ClickException("Web push is off: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY.")
    sent = push.send_pending(current_app._get_current_object(), limit=limit)
    click.echo(f"Sent {sent} push message(s).")
