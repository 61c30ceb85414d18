"""Links for trying each demo role at once (``make run`` prints them; production refuses)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import invitations, sign_in_links
from app.models import Account, YoungPerson, utcnow
from app.web.urls import absolute_url

JAY = "Jay"
PRIYA = "priya.shah@riverside.example.org"
RIVERSIDE_ADMIN = "dan.whitfield@riverside.example.org"
OLA = "ola.nowak@northmoor.example.org"
NORTHMOOR_ADMIN = "morag.ellis@northmoor.example.org"
NAN = "maureen@example.com"


def _by_email(session: Session, email: str) -> Account:
    return session.scalar(select(Account).where(Account.email == email))


def _passkey_link(session: Session, account: Account, issued_by: Account, now) -> str:
    """Someone with a passkey signs in; someone without gets a single-use link to make one."""
    if account.passkeys:
        return absolute_url("auth.sign_in_page")
    _invitation, token = invitations.issue_recovery(session, issued_by, account, now)
    return absolute_url("auth.invitation", token=token)


def demo_sign_in_links(session: Session) -> list[tuple[str, str, str]]:
    """(role, name, link) for the demo young person, supporter and coordinators. Needs a request context."""
    now = utcnow()
    priya, admin = _by_email(session, PRIYA), _by_email(session, RIVERSIDE_ADMIN)
    jay = session.scalar(
        select(Account)
        .join(YoungPerson, YoungPerson.account_id == Account.id)
        .where(YoungPerson.chosen_name == JAY)
    )
    links = [
        ("young person", jay.display_name, _passkey_link(session, jay, priya, now)),
        ("coordinator", priya.display_name, _passkey_link(session, priya, admin, now)),
    ]
    ola = _by_email(session, OLA)
    if ola is not None:  # Northmoor's triage shows Leo, "not eligible" under the Durham example policy
        links.append(
            (
                "coordinator",
                ola.display_name,
                _passkey_link(session, ola, _by_email(session, NORTHMOOR_ADMIN), now),
            )
        )
    issued = sign_in_links.request_link(session, NAN, now)
    if issued is not None:
        account, token = issued
        links.append(("supporter", account.display_name, absolute_url("auth.link_landing", token=token)))
    return links
