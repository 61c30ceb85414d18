"""`flask digest …`: the coordinators' quiet weekly digest of lapses."""

from __future__ import annotations

from flask.cli import AppGroup

digest_cli = AppGroup("digest", help="The coordinators' weekly digest (run weekly by cron).")
