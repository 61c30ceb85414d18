"""Invitations: single-use links that let a person create their account, or a new passkey after a lost phone.

Who may invite whom:
- a coordinator or social worker invites a young person of their own organisation (valid 7 days);
- an admin invites staff of their own organisation (7 days); `flask org create` invites the first admin;
- a coordinator invites a supporter: only a person in the young person's network whose safety check passed
  (7 days, with a short code the coordinator also gives them by phone or in person);
- any staff member of the organisation, with the young person present, issues a recovery link (10 minutes).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain import audit, consent
from app.domain.consent import Action
from app.domain.tokens import hash_token, new_code, new_token, normalise_code, same_hash
from app.models import Account, NetworkMember, Role, SafetyStatus, YoungPerson
from app.models.auth import Invitation, InvitationKind

LIFETIMES = {
    InvitationKind.YOUNG_PERSON: timedelta(days=7),
    InvitationKind.STAFF: timedelta(days=7),
    InvitationKind.SUPPORTER: timedelta(days=7),
    InvitationKind.RECOVERY: timedelta(minutes=10),
}
MAX_CODE_ATTEMPTS = 5
INVITING_YOUNG_PEOPLE = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.ADMIN})
INVITING_SUPPORTERS = frozenset({Role.COORDINATOR})


class InvitationRefused(Exception):
    """The actor may not issue this invitation; ``reason`` says why (for tests and the audit log)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _issue(session: Session, actor: Account | None, kind: InvitationKind, now: datetime, **values):
    token = new_token()
    invitation = Invitation(
        kind=kind,
        token_hash=hash_token(token),
        created_by=actor,
        expires_at=now + LIFETIMES[kind],
        **values,
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        actor,
        f"invitation.{kind.value}.created",
        object_type="invitation",
        object_public_id=invitation.public_id,
        young_person_id=invitation.young_person_id,
        organisation_id=invitation.organisation_id,
    )
    return invitation, token


def invite_first_admin(session: Session, organisation, name: str, email: str | None, now: datetime):
    return _issue(
        session,
        None,
        InvitationKind.STAFF,
        now,
        organisation_id=organisation.id,
        role=Role.ADMIN,
        display_name=name,
        email=email,
    )


def invite_staff(session: Session, actor: Account, role: Role, name: str, email: str | None, now: datetime):
    if actor.role is not Role.ADMIN:
        raise InvitationRefused("only_admins_invite_staff")
    if not role.is_staff:
        raise InvitationRefused("not_a_staff_role")
    return _issue(
        session,
        actor,
        InvitationKind.STAFF,
        now,
        organisation_id=actor.organisation_id,
        role=role,
        display_name=name,
        email=email,
    )


def invite_young_person(session: Session, actor: Account, young_person: YoungPerson, now: datetime):
    if actor.role not in INVITING_YOUNG_PEOPLE or actor.organisation_id != young_person.organisation_id:
        raise InvitationRefused("not_their_young_person")
    if young_person.account_id is not None:
        raise InvitationRefused("already_has_account")
    _revoke_open(session, InvitationKind.YOUNG_PERSON, now, young_person_id=young_person.id)
    return _issue(
        session,
        actor,
        InvitationKind.YOUNG_PERSON,
        now,
        organisation_id=young_person.organisation_id,
        role=Role.YOUNG_PERSON,
        young_person_id=young_person.id,
        display_name=young_person.chosen_name,
    )


def invite_supporter(session: Session, actor: Account, member: NetworkMember, email: str, now: datetime):
    """Returns (invitation, token, code).

    Refuses anyone whose safety check has not passed, or whom the young person has not agreed to.
    """
    young_person = member.young_person
    if actor.role not in INVITING_SUPPORTERS or actor.organisation_id != young_person.organisation_id:
        raise InvitationRefused("not_their_young_person")
    if member.safety_status is not SafetyStatus.SAFE:
        raise InvitationRefused("not_cleared")
    if not consent.may(
        consent.load_state(session, young_person), Action.INVITE_SUPPORTER, now.date(), member=member
    ):
        raise InvitationRefused("no_consent")
    if member.account_id is not None:
        raise InvitationRefused("already_has_account")
    email = email.strip().lower()
    holder = session.scalar(select(Account).where(Account.email == email))
    if holder is not None and holder.role is not Role.SUPPORTER:
        raise InvitationRefused("email_in_use")
    code = new_code()
    _revoke_open(session, InvitationKind.SUPPORTER, now, network_member_id=member.id)
    invitation, token = _issue(
        session,
        actor,
        InvitationKind.SUPPORTER,
        now,
        organisation_id=young_person.organisation_id,
        role=Role.SUPPORTER,
        young_person_id=young_person.id,
        network_member_id=member.id,
        display_name=member.name,
        email=email.strip().lower(),
        code_hash=hash_token(code),
    )
    return invitation, token, code


def issue_recovery(session: Session, actor: Account, account: Account, now: datetime):
    """A ten-minute link that only lets this account register a new passkey."""
    if (
        not actor.is_staff
        or actor.organisation_id != account.organisation_id
        or account.role is Role.SUPPORTER
    ):
        raise InvitationRefused("not_their_account")
    _revoke_open(session, InvitationKind.RECOVERY, now, account_id=account.id)
    return _issue(
        session,
        actor,
        InvitationKind.RECOVERY,
        now,
        organisation_id=account.organisation_id,
        account_id=account.id,
        display_name=account.display_name,
    )


def _revoke_open(session: Session, kind: InvitationKind, now: datetime, **match) -> None:
    """One live invitation per person: issuing a new one ends the older ones."""
    conditions = [getattr(Invitation, key) == value for key, value in match.items()]
    session.execute(
        update(Invitation)
        .where(
            Invitation.kind == kind,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            *conditions,
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )


def find_open(session: Session, token: str, now: datetime) -> Invitation | None:
    """The invitation for this link if it can still be used (GET never uses it up)."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None or invitation.used_at or invitation.revoked_at or now >= invitation.expires_at:
        return None
    if invitation.young_person_id is not None:
        young_person = session.get(YoungPerson, invitation.young_person_id)
        if young_person is None or young_person.closed_at is not None:
            return None
        if invitation.kind is InvitationKind.SUPPORTER:
            # A withdrawal (by the young person, or for this person) stops the invitation working.
            member = session.get(NetworkMember, invitation.network_member_id)
            state = consent.load_state(session, young_person)
            if not consent.may(state, Action.INVITE_SUPPORTER, now.date(), member=member):
                return None
    return invitation


def check_code(session: Session, invitation: Invitation, code: str, now: datetime) -> bool:
    """A supporter's short code. Five wrong tries end the invitation."""
    if same_hash(invitation.code_hash, normalise_code(code)):
        return True
    invitation.failed_code_attempts += 1
    if invitation.failed_code_attempts >= MAX_CODE_ATTEMPTS:
        invitation.revoked_at = now
    audit.record(
        session,
        None,
        "invitation.code_wrong",
        object_type="invitation",
        object_public_id=invitation.public_id,
        organisation_id=invitation.organisation_id,
    )
    return False


def use_up(session: Session, invitation: Invitation, now: datetime) -> bool:
    """Mark the invitation used, atomically: of two simultaneous uses exactly one wins."""
    result = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def create_account(session: Session, invitation: Invitation, display_name: str) -> Account:
    """The account an accepted invitation creates (or, for recovery, the account it belongs to)."""
    if invitation.kind is InvitationKind.RECOVERY:
        return invitation.account
    if invitation.kind is InvitationKind.SUPPORTER:
        # One supporter account may support several young people (a grandmother of two siblings).
        existing = session.scalar(select(Account).where(Account.email == invitation.email))
        if existing is not None:
            session.get(NetworkMember, invitation.network_member_id).account_id = existing.id
            return existing
    account = Account(
        role=invitation.role,
        organisation_id=None if invitation.kind is InvitationKind.SUPPORTER else invitation.organisation_id,
        display_name=display_name,
        email=invitation.email,
    )
    session.add(account)
    session.flush()
    if invitation.kind is InvitationKind.YOUNG_PERSON:
        session.get(YoungPerson, invitation.young_person_id).account_id = account.id
    elif invitation.kind is InvitationKind.SUPPORTER:
        session.get(NetworkMember, invitation.network_member_id).account_id = account.id
    audit.record(
        session,
        account,
        "account.created",
        object_type="account",
        object_public_id=account.public_id,
        young_person_id=invitation.young_person_id,
        organisation_id=invitation.organisation_id,
        detail={"invitation": invitation.public_id},
    )
    return account
