"""`flask reminders …`: the daily job that keeps occurrences up to date and sends reminders."""

from __future__ import annotations

from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Occurrences and reminders (run daily by cron).")
