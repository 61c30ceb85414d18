"""Factories: each makes one valid record with sensible defaults and flushes it.

Pass only what a test cares about; everything else gets a plausible, fictional value.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from app.demo_referrals import example_policy
from app.models import (
    Account,
    AuditEvent,
    AuthorRole,
    Channel,
    Commitment,
    CommitmentKind,
    Confirmation,
    ConfirmationOutcome,
    ConsentEvent,
    ConsentKind,
    Decision,
    EntryKind,
    IdempotencyKey,
    JourneyEntry,
    LegalStatus,
    NetworkMember,
    Objective,
    Occurrence,
    Organisation,
    OutboxChannel,
    OutboxMessage,
    Passkey,
    Plan,
    Referral,
    ReferralRoute,
    Role,
    SafetyStatus,
    ScheduleKind,
    YoungPerson,
)

_numbers = itertools.count(1)


def _n() -> int:
    return next(_numbers)


def _add(session, record):
    session.add(record)
    session.flush()
    return record


def organisation(session, **values) -> Organisation:
    n = _n()
    values.setdefault("name", f"Test Lifelong Links {n}")
    values.setdefault("slug", f"test-{n}")
    values.setdefault("email", f"lifelong-links-{n}@example.org")
    return _add(session, Organisation(**values))


def organisation_with_policy(session, policy_name: str, **values) -> Organisation:
    """An organisation whose stored policy is the example ``policies/<policy_name>.toml``."""
    return organisation(session, policy_name=policy_name, policy=example_policy(policy_name), **values)


def account(
    session, role: Role = Role.YOUNG_PERSON, organisation: Organisation | None = None, **values
) -> Account:
    n = _n()
    if role is not Role.SUPPORTER and organisation is None:
        organisation = globals()["organisation"](session)
    values.setdefault("display_name", f"{role.value.replace('_', ' ').title()} {n}")
    values.setdefault("email", f"{role.value}-{n}@example.org")
    return _add(session, Account(role=role, organisation=organisation, **values))


def passkey(session, account: Account, **values) -> Passkey:
    import secrets

    values.setdefault("credential_id", secrets.token_bytes(32))
    values.setdefault("public_key", secrets.token_bytes(77))
    values.setdefault("name", "My phone")
    return _add(session, Passkey(account=account, **values))


def young_person(session, organisation: Organisation | None = None, **values) -> YoungPerson:
    organisation = organisation or globals()["organisation"](session)
    values.setdefault("chosen_name", f"Young Person {_n()}")
    values.setdefault("date_of_birth", date(2010, 3, 14))
    values.setdefault("legal_status", LegalStatus.CARE_ORDER)
    return _add(session, YoungPerson(organisation=organisation, **values))


def network_member(session, young_person: YoungPerson, **values) -> NetworkMember:
    values.setdefault("name", f"Person {_n()}")
    values.setdefault("relationship_label", "aunt")
    values.setdefault("safety_status", SafetyStatus.SAFE)
    values.setdefault("circle", 2)
    return _add(session, NetworkMember(young_person=young_person, **values))


def plan(session, young_person: YoungPerson, **values) -> Plan:
    return _add(session, Plan(young_person=young_person, **values))


def commitment(session, plan: Plan, supporters=(), **values) -> Commitment:
    values.setdefault("kind", CommitmentKind.BIRTHDAY_CALL)
    values.setdefault("description", "Ring on their birthday")
    values.setdefault("schedule", ScheduleKind.YEARLY_BIRTHDAY)
    return _add(session, Commitment(plan=plan, supporters=list(supporters), **values))


def occurrence(session, commitment: Commitment, due_on: date | None = None, **values) -> Occurrence:
    due_on = due_on or date(2026, 3, 14)
    values.setdefault("window_starts_on", due_on)
    values.setdefault("window_ends_on", due_on + timedelta(days=1))
    return _add(session, Occurrence(commitment=commitment, due_on=due_on, **values))


def confirmation(session, occurrence: Occurrence, by: Account | None = None, **values) -> Confirmation:
    values.setdefault("outcome", ConfirmationOutcome.DONE)
    values.setdefault("happened_on", occurrence.due_on)
    return _add(session, Confirmation(occurrence=occurrence, by_account=by, **values))


def consent_event(session, young_person: YoungPerson, **values) -> ConsentEvent:
    values.setdefault("kind", ConsentKind.YOUNG_PERSON_AGREEMENT)
    values.setdefault("decision", Decision.GIVEN)
    values.setdefault("channel", Channel.APP)
    values.setdefault("wording_key", "agreement")
    values.setdefault("wording_version", "1")
    values.setdefault("wording_language", "en")
    values.setdefault("wording_sha256", "0" * 64)
    return _add(session, ConsentEvent(young_person_id=young_person.id, **values))


def objective(session, young_person: YoungPerson, **values) -> Objective:
    values.setdefault("text", "see my sister more")
    return _add(session, Objective(young_person=young_person, **values))


def consent_to_contact(session, young_person: YoungPerson, *members: NetworkMember) -> None:
    """The ledger as it stands once a child is taking part: PR consent, their agreement, and
    "OK to contact" for each of ``members``."""
    consent_event(
        session,
        young_person,
        kind=ConsentKind.PR_REFERRAL,
        pr_holder="The council",
        channel=Channel.IN_PERSON,
    )
    consent_event(session, young_person, kind=ConsentKind.YOUNG_PERSON_AGREEMENT)
    for member in members:
        consent_event(
            session, young_person, kind=ConsentKind.CONTACT_PERSON, scope=f"member:{member.public_id}"
        )


def journey_entry(session, young_person: YoungPerson, **values) -> JourneyEntry:
    values.setdefault("kind", EntryKind.MEMORY)
    values.setdefault("title", "A day to remember")
    values.setdefault("author_role", AuthorRole.YOUNG_PERSON)
    return _add(session, JourneyEntry(young_person=young_person, **values))


def audit_event(session, **values) -> AuditEvent:
    values.setdefault("action", "test.event")
    return _add(session, AuditEvent(**values))


def outbox_message(session, **values) -> OutboxMessage:
    values.setdefault("channel", OutboxChannel.EMAIL)
    values.setdefault("to_address", f"someone-{_n()}@example.org")
    values.setdefault("subject", "Hello")
    values.setdefault("body_text", "Hello from Lifelong Links")
    return _add(session, OutboxMessage(**values))


def idempotency_key(session, **values) -> IdempotencyKey:
    values.setdefault("key", f"key-{_n()}")
    values.setdefault("endpoint", "test.endpoint")
    values.setdefault("response_status", 303)
    return _add(session, IdempotencyKey(**values))


def referral(session, young_person: YoungPerson | None = None, **values) -> Referral:
    """A new staff referral; its answer defaults to "needs a conversation" (no policy)."""
    young_person = young_person or globals()["young_person"](session)
    values.setdefault("route", ReferralRoute.STAFF)
    values.setdefault("checked_on", date.today())
    values.setdefault("result", "conversation")
    values.setdefault("reasons", [["no_policy", {}]])
    return _add(
        session, Referral(organisation=young_person.organisation, young_person=young_person, **values)
    )


def agreed_supporter(session, young_person: YoungPerson, **values) -> NetworkMember:
    """Someone who may be attached to a commitment: checked safe, the young person said it is OK to
    contact them, and they said yes to taking part (the young person's own agreement is not added)."""
    member = network_member(session, young_person, **values)
    scope = f"member:{member.public_id}"
    consent_event(session, young_person, kind=ConsentKind.CONTACT_PERSON, scope=scope)
    consent_event(session, young_person, kind=ConsentKind.SUPPORTER_PARTICIPATION, scope=scope)
    return member


def review(session, young_person: YoungPerson, **values):
    from app.models import Review, ReviewKind

    values.setdefault("kind", ReviewKind.CONFERENCE_REVIEW)
    values.setdefault("due_on", date(2026, 9, 1))
    return _add(session, Review(young_person=young_person, **values))


def place(session, young_person: YoungPerson, people=(), **values):
    from app.models import Place

    values.setdefault("name", f"Place {_n()}")
    return _add(session, Place(young_person_id=young_person.id, people=list(people), **values))


def family_link(session, young_person: YoungPerson, from_member, to_member, kind=None, detail="default"):
    """A family tree link; ``None`` for a member is the young person. Defaults: a birth parent link
    (from is the parent), full siblings, or partners with no detail."""
    from app.models import FamilyLink, LinkDetail, LinkKind

    kind = kind or LinkKind.PARENT
    if detail == "default":
        detail = {LinkKind.PARENT: LinkDetail.BIRTH, LinkKind.SIBLING: LinkDetail.FULL}.get(kind)
    return _add(
        session,
        FamilyLink(
            young_person_id=young_person.id,
            kind=kind,
            detail=detail,
            from_member_id=from_member.id if from_member is not None else None,
            to_member_id=to_member.id if to_member is not None else None,
        ),
    )


def supporter_with_account(session, young_person: YoungPerson, supporter: Account | None = None, **values):
    """An agreed supporter (see ``agreed_supporter``) who has signed up: their network place is linked
    to a supporter account (a new one unless ``supporter`` is given, e.g. to support siblings)."""
    supporter = supporter or account(session, role=Role.SUPPORTER, display_name=values.get("name", "Nan"))
    return agreed_supporter(session, young_person, account_id=supporter.id, **values)


def calendar_feed(session, account: Account, token: str | None = None, **values):
    """A supporter's private calendar address: (the feed row, its token). Only the hash is stored."""
    from app.domain.tokens import hash_token, new_token
    from app.models import CalendarFeed

    token = token or new_token()
    return _add(session, CalendarFeed(account_id=account.id, token_hash=hash_token(token), **values)), token


def push_subscription(session, account: Account, **values):
    """A browser's web push subscription (made-up keys unless given: enough for anything but sending)."""
    from app.models import PushSubscription

    n = _n()
    values.setdefault("endpoint", f"https://push.example.org/send/{n}")
    values.setdefault(
        "p256dh", "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
    )
    values.setdefault("auth", "tBHItJI5svbpez7KI4CCXg")
    return _add(session, PushSubscription(account_id=account.id, **values))


def reminder_settings(session, account: Account, **values):
    """How a supporter wants reminders; without a row they get the defaults (e-mail, 3 days and the day)."""
    from app.models import ReminderSettings

    return _add(session, ReminderSettings(account_id=account.id, **values))


def confirmed_occurrence(
    session, commitment: Commitment, due_on: date, by: Account | None = None, answer=None, **values
) -> Occurrence:
    """An occurrence a supporter said "I did it" to (status kept), with the young person's ``answer``:
    None (not answered yet), ``Acknowledgement.HAPPENED`` or ``Acknowledgement.DID_NOT_HAPPEN``."""
    from app.models import OccurrenceStatus

    found = occurrence(session, commitment, due_on=due_on, status=OccurrenceStatus.KEPT, **values)
    confirmation(session, found, by=by, acknowledgement=answer)
    return found


def snapshot(session, young_person: YoungPerson, occasion=None, **values):
    """A count of the network at a moment that matters (at referral unless ``occasion`` says)."""
    from app.models import NetworkSnapshot, SnapshotOccasion

    values.setdefault("taken_on", date(2026, 1, 5))
    values.setdefault("people", 3)
    values.setdefault("taking_part", 1)
    return _add(
        session,
        NetworkSnapshot(
            young_person_id=young_person.id, occasion=occasion or SnapshotOccasion.REFERRAL, **values
        ),
    )


def taking_part(session, organisation: Organisation, account: Account, coordinator: Account, **values):
    """A young person with their own account and coordinator, taking part (PR consent and agreement)."""
    values.setdefault("chosen_name", "Jay")
    person = young_person(
        session, organisation=organisation, account_id=account.id, coordinator_id=coordinator.id, **values
    )
    consent_to_contact(session, person)
    return person
