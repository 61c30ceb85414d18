"""Command-line tools: ``flask db …``, ``flask demo …``, ``flask outbox …`` and ``flask eligibility …``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

db_cli = AppGroup("db", help="Create and migrate the database.")
demo_cli = AppGroup("demo", help="The fictional demo world.")
outbox_cli = AppGroup("outbox", help="Messages waiting to be sent.")
org_cli = AppGroup("org", help="Councils' Lifelong Links services.")
eligibility_cli = AppGroup("eligibility", help="Try an eligibility policy.")


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
    from flask import current_app

    from app.demo import load_demo
    from app.domain import photos

    created = load_demo(db.session, photos.photo_dir(current_app.config))
    db.session.commit()
    click.echo("Demo world loaded." if created else "Demo world already there; nothing changed.")


@demo_cli.command("links")
def demo_links() -> None:
    """Print links to try each role at once (development only: production refuses)."""
    from flask import current_app

    from app.demo_links import demo_sign_in_links

    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("Refusing to print sign-in links in production.")
    with current_app.test_request_context():
        links = demo_sign_in_links(db.session)
    db.session.commit()
    click.echo("\nTry each role (links work once, for 10 minutes; run `make run` again for new ones):")
    for role, name, link in links:
        click.echo(f"  {role:<13} {name:<14} {link}")
    click.echo("")


@org_cli.command("create")
@click.option("--name", required=True, help="The service's name, e.g. 'Riverside Lifelong Links'.")
@click.option("--slug", required=True, help="Short name for URLs, e.g. 'riverside'.")
@click.option("--email", required=True, help="The service's contact e-mail address.")
@click.option("--phone", default=None, help="The service's contact phone number.")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="The eligibility policy file (TOML).",
)
@click.option("--admin-name", required=True, help="Who will be the first admin.")
@click.option("--admin-email", default=None, help="Their work e-mail address.")
def org_create(name, slug, email, phone, policy_file, admin_name, admin_email) -> None:
    """Set up a council's service and print a single-use invitation link for its first admin."""
    import tomllib
    from pathlib import Path

    from flask import current_app
    from sqlalchemy import select

    from app.domain.invitations import invite_first_admin
    from app.models import Organisation, utcnow
    from app.web.urls import absolute_url

    if db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
        raise click.ClickException(f"An organisation called {slug!r} already exists.")
    from app.domain.eligibility import PolicyError, load_policy

    try:
        load_policy(policy_file)  # checked before anything is stored: file, line, what is wrong
    except PolicyError as error:
        raise click.ClickException(str(error)) from error
    policy = tomllib.loads(Path(policy_file).read_text(encoding="utf-8"))
    organisation = Organisation(
        name=name, slug=slug, email=email, phone=phone, policy_name=Path(policy_file).stem, policy=policy
    )
    db.session.add(organisation)
    db.session.flush()
    _invitation, token = invite_first_admin(db.session, organisation, admin_name, admin_email, utcnow())
    db.session.commit()
    with current_app.test_request_context():
        link = absolute_url("auth.invitation", token=token)
    click.echo(f"Created {name}. Invitation for its first admin ({admin_name}), valid once for 7 days:")
    click.echo(link)


@outbox_cli.command("send")
@click.option("--limit", default=50, show_default=True, help="Send at most this many.")
def outbox_send(limit: int) -> None:
    """Send the e-mails that are due (new ones, and failed ones whose retry time has come)."""
    from flask import current_app

    from app.mailer import send_pending

    sent = send_pending(current_app._get_current_object(), limit=limit)
    click.echo(f"Sent {sent} e-mail(s).")


_DAY = click.DateTime(formats=["%Y-%m-%d"])


@eligibility_cli.command("check")
@click.option(
    "--policy", "policy_file", type=click.Path(dir_okay=False), required=True, help="Policy (TOML)."
)
@click.option("--born", type=_DAY, required=True, help="Date of birth, YYYY-MM-DD.")
@click.option("--on", "on", type=_DAY, required=True, help="The day to check for, YYYY-MM-DD.")
@click.option("--in-care-since", type=_DAY, default=None, help="When they came into care, YYYY-MM-DD.")
@click.option("--care-leaver", is_flag=True, help="They have left care.")
@click.option(
    "--legal-status",
    type=click.Choice(["care_order", "interim_care_order", "section_20", "none"]),
    default="none",
)
@click.option(
    "--plan", type=click.Choice(["return_home", "adoption", "long_term_care", "none"]), default="none"
)
@click.option("--self-referral", is_flag=True, help="They are asking for themselves.")
@click.option("--uasc", is_flag=True, help="Unaccompanied asylum-seeking young person.")
@click.option("--family-abroad", is_flag=True, help="Looking for family outside the UK.")
@click.option("--in-custody", is_flag=True, help="In custody, before release.")
def eligibility_check(policy_file, born, on, in_care_since, **flags) -> None:
    """Print the policy's answer as one JSON object: result, reasons and signposts in plain English."""
    import json

    from flask import current_app
    from flask_babel import force_locale

    from app.domain.eligibility import Facts, PolicyError, check, load_policy
    from app.eligibility_words import reason_words, signpost_words

    try:
        policy = load_policy(policy_file)
    except PolicyError as error:
        raise click.ClickException(str(error)) from error
    try:
        since = in_care_since.date() if in_care_since else None
        facts = Facts(born=born.date(), on=on.date(), in_care_since=since, **flags)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    answer = check(policy, facts)
    with current_app.test_request_context(), force_locale("en"):
        reasons = [reason_words(reason) for reason in answer.reasons]
        signposts = [signpost_words(code) for code in answer.signposts]
    click.echo(json.dumps({"result": answer.result, "reasons": reasons, "signposts": signposts}))


def _ensure_sqlite_folder() -> None:
    from pathlib import Path

    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(org_cli)
    app.cli.add_command(eligibility_cli)

    from app.digest_cli import digest_cli
    from app.journey_cli import journey_cli
    from app.reminders_cli import reminders_cli

    app.cli.add_command(reminders_cli)
    app.cli.add_command(digest_cli)
    app.cli.add_command(journey_cli)
