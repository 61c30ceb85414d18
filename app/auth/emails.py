"""E-mails about signing in: invitations, and changes to a person's own passkeys. Queued in the outbox."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.domain.outbox import queue_email
from app.models import Account, OutboxMessage


def passkey_changed(session: Session, account: Account, *, added: bool, name: str) -> None:
    """Tell the account holder, so a change they did not make does not go unnoticed."""
    if not account.email:
        return
    with force_locale(account.language or "en"):
        if added:
            subject = _("A passkey was added to your Lifelong Links account")
            body = _(
                'A new passkey called "%(name)s" was added to your account. If this wasn\'t you, '
                "tell your coordinator straight away.",
                name=name,
            )
        else:
            subject = _("A passkey was removed from your Lifelong Links account")
            body = _(
                'The passkey called "%(name)s" was removed from your account. If this wasn\'t you, '
                "tell your coordinator straight away.",
                name=name,
            )
    queue_email(session, account.email, subject, body, to_account=account)


def queue_supporter_invitation(
    session: Session, member, coordinator: Account, email: str, link: str, code: str
) -> None:
    """The invitation names the coordinator and carries the code they also give by phone or in person."""
    young_person = member.young_person
    with force_locale(young_person.organisation.default_language or "en"):
        subject = _(
            "%(coordinator)s from Lifelong Links has invited you", coordinator=coordinator.display_name
        )
        body = _(
            "Hello %(name)s,\n\n"
            "%(coordinator)s, a Lifelong Links coordinator at %(service)s, has invited you to keep in "
            "touch with %(young_person)s.\n\n"
            "Open this link to accept (it works for 7 days):\n%(link)s\n\n"
            "You will be asked for this code: %(code)s\n"
            "%(coordinator)s will also tell you the code by phone or in person, so you know this e-mail "
            "is real.",
            name=member.name,
            coordinator=coordinator.display_name,
            service=young_person.organisation.name,
            young_person=young_person.chosen_name,
            link=link,
            code=code,
        )
    queue_email(session, email, subject, body, young_person_id=young_person.id)


def queue_sign_in_link(session: Session, account: Account, link: str) -> OutboxMessage:
    """A supporter's sign-in link, in their language. The link itself is never logged or audited."""
    with force_locale(account.language or "en"):
        subject = _("Your link to sign in to Lifelong Links")
        body = _(
            "Hello %(name)s,\n\n"
            "Here is your link to sign in to Lifelong Links:\n%(link)s\n\n"
            'Open the link, then press "Sign me in". The link works once, for 10 minutes.\n\n'
            "Did you not ask for this? Then you can ignore this e-mail. Nobody can sign in without the link.",
            name=account.display_name,
            link=link,
        )
    return queue_email(session, account.email, subject, body, to_account=account)


def _alert_coordinator(session: Session, young_person, words) -> None:
    """E-mail the young person's coordinator ``words()`` (subject, body), worded in their language.

    Not tied to the young person's consent: a safeguarding alert must go even if they have stopped.
    """
    coordinator = young_person.coordinator
    if coordinator is None or not coordinator.email:
        return
    with force_locale(coordinator.language or young_person.organisation.default_language or "en"):
        subject, body = words()
    queue_email(session, coordinator.email, subject, body, to_account=coordinator)


def queue_worried_alert(session: Session, young_person) -> None:
    """Alert the coordinator. The young person's words stay in the app, never in an e-mail."""
    _alert_coordinator(
        session,
        young_person,
        lambda: (
            _("A young person is worried about someone"),
            _(
                "%(name)s has paused contact with someone in their network and would like to talk. "
                "Please sign in to Lifelong Links to see what they said.",
                name=young_person.chosen_name,
            ),
        ),
    )


def queue_suggestion_alert(session: Session, young_person) -> None:
    """Tell the coordinator someone was suggested; who, and what they remember, stays in the app."""
    _alert_coordinator(
        session,
        young_person,
        lambda: (
            _("A young person would like to find someone"),
            _(
                "%(name)s has suggested someone they would like to find. "
                "Please sign in to Lifelong Links to read what they said.",
                name=young_person.chosen_name,
            ),
        ),
    )
