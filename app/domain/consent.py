"""The consent ledger: append-only decisions, and the one answer to "may this happen now?".

Every decision is a ``ConsentEvent``; nothing is updated or deleted. The current state for a kind and
scope is its latest event. Everything else in the app asks ``may()`` instead of keeping its own flags,
so a withdrawal takes effect everywhere on the very next request.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import audit
from app.models import (
    Account,
    Channel,
    ConsentEvent,
    ConsentKind,
    Decision,
    LegalStatus,
    NetworkMember,
    SafetyStatus,
    YoungPerson,
)

ADULT = "adult"  # scope of the young person's agreement confirmed as an adult, from 18
ADULT_AGE = 18


@dataclass(frozen=True)
class Wording:
    """The exact words a person was shown when deciding, so the record says what they agreed to."""

    key: str
    version: str
    language: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def member_scope(member: NetworkMember) -> str:
    return f"member:{member.public_id}"


def age_on(born: date, on: date) -> int:
    """Whole years, exactly: someone born on 29 February turns a year older on 1 March in other years."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Action(enum.StrEnum):
    TAKE_PART = "take_part"  # the young person's referral is active
    CONTACT = "contact"  # staff may contact this person
    INVITE_SUPPORTER = "invite_supporter"  # this person may be invited to the app
    ASK_TO_TAKE_PART = "ask_to_take_part"  # this person may say yes or no to taking part
    SUPPORTER_SEES_YOUNG_PERSON = "supporter_sees_young_person"  # their plan, what is shared
    SEND_MESSAGES = "send_messages"  # e-mails about this young person (to ``member``, when given)
    SHARE = "share"  # a sharing choice, e.g. "birthday" or "entry:<id>"


@dataclass
class ConsentState:
    """What the ledger says now for one young person, read in one query."""

    young_person: YoungPerson
    latest: dict[tuple[ConsentKind, str], ConsentEvent] = field(default_factory=dict)

    def event(self, kind: ConsentKind, scope: str = "") -> ConsentEvent | None:
        return self.latest.get((kind, scope))

    def decision(self, kind: ConsentKind, scope: str = "") -> Decision | None:
        event = self.event(kind, scope)
        return event.decision if event else None

    def pr_consent_needed(self, on: date) -> bool:
        """Parental responsibility consent applies to children; never to adults or care leavers."""
        if self.young_person.legal_status in (LegalStatus.CARE_LEAVER, LegalStatus.SELF_REFERRED):
            return False
        return age_on(self.young_person.date_of_birth, on) < ADULT_AGE

    @property
    def agreed(self) -> bool:
        return self.decision(ConsentKind.YOUNG_PERSON_AGREEMENT) is Decision.GIVEN

    @property
    def paused(self) -> bool:
        """The young person said yes once and has now said no: everything waits for them."""
        return self.decision(ConsentKind.YOUNG_PERSON_AGREEMENT) is Decision.WITHDRAWN

    @property
    def paused_since(self) -> datetime | None:
        event = self.event(ConsentKind.YOUNG_PERSON_AGREEMENT)
        return event.created_at if self.paused else None

    def needs_adult_confirmation(self, on: date) -> bool:
        """From their 18th birthday we ask once more, as an adult; nothing stops while we wait."""
        return (
            self.agreed
            and self.young_person.legal_status not in (LegalStatus.CARE_LEAVER, LegalStatus.SELF_REFERRED)
            and age_on(self.young_person.date_of_birth, on) >= ADULT_AGE
            and self.decision(ConsentKind.YOUNG_PERSON_AGREEMENT, ADULT) is not Decision.GIVEN
        )

    def active(self, on: date) -> bool:
        if not self.agreed:
            return False
        return not self.pr_consent_needed(on) or self.decision(ConsentKind.PR_REFERRAL) is Decision.GIVEN

    def contact_choice(self, member: NetworkMember) -> Decision | None:
        return self.decision(ConsentKind.CONTACT_PERSON, member_scope(member))

    def participation(self, member: NetworkMember) -> Decision | None:
        return self.decision(ConsentKind.SUPPORTER_PARTICIPATION, member_scope(member))


def load_state(session: Session, young_person: YoungPerson) -> ConsentState:
    latest_ids = (
        select(func.max(ConsentEvent.id))
        .where(ConsentEvent.young_person_id == young_person.id)
        .group_by(ConsentEvent.kind, ConsentEvent.scope)
    )
    events = session.scalars(select(ConsentEvent).where(ConsentEvent.id.in_(latest_ids)))
    return ConsentState(young_person, {(e.kind, e.scope): e for e in events})


def may(
    state: ConsentState, action: Action, on: date, *, member: NetworkMember | None = None, item: str = ""
) -> bool:
    """The one answer, for the whole app, to "may this happen now?"."""
    if not state.active(on):
        return False
    if action is Action.TAKE_PART or (action is Action.SEND_MESSAGES and member is None):
        return True
    if action is Action.SHARE:
        return state.decision(ConsentKind.SHARING, item) is Decision.GIVEN
    if member is None or member.young_person_id != state.young_person.id:
        return False
    contact_ok = member.safety_status is SafetyStatus.SAFE and state.contact_choice(member) is Decision.GIVEN
    if action is Action.ASK_TO_TAKE_PART:
        return contact_ok
    if action in (Action.CONTACT, Action.INVITE_SUPPORTER):
        return contact_ok and state.participation(member) is not Decision.DECLINED
    if action in (Action.SUPPORTER_SEES_YOUNG_PERSON, Action.SEND_MESSAGES):
        # Messages to a supporter (reminders) go only to someone who may see the young person now.
        return contact_ok and state.participation(member) is Decision.GIVEN
    raise ValueError(f"unknown action {action!r}")


def record(
    session: Session,
    young_person: YoungPerson,
    kind: ConsentKind,
    decision: Decision,
    *,
    actor: Account | None,
    channel: Channel,
    wording: Wording,
    now: datetime,
    scope: str = "",
    recorded_by_staff: bool = False,
    pr_holder: str | None = None,
    decided_on: date | None = None,
    note: str | None = None,
) -> ConsentEvent:
    """Append one decision, with its audit row in the same transaction.

    Each decision belongs to someone: the young person's own choices are made by them (or recorded by
    staff they told in person), a supporter's by that supporter, PR consent by staff.
    """
    _check_decider(session, young_person, kind, scope, actor, recorded_by_staff)
    event = ConsentEvent(
        young_person_id=young_person.id,
        kind=kind,
        scope=scope,
        decision=decision,
        actor_account_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        recorded_by_staff=recorded_by_staff,
        channel=channel,
        pr_holder=pr_holder,
        decided_on=decided_on or now.date(),
        wording_key=wording.key,
        wording_version=wording.version,
        wording_language=wording.language,
        wording_sha256=wording.sha256,
        note=note,
        created_at=now,
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor,
        f"consent.{kind.value}.{decision.value}",
        object_type="consent_event",
        object_public_id=event.public_id,
        young_person_id=young_person.id,
        organisation_id=young_person.organisation_id,
        detail={"scope": scope} if scope else None,
    )
    return event


YOUNG_PERSONS_OWN = frozenset(
    {ConsentKind.YOUNG_PERSON_AGREEMENT, ConsentKind.CONTACT_PERSON, ConsentKind.SHARING}
)


def _check_decider(session, young_person, kind, scope, actor, recorded_by_staff) -> None:
    staff = actor is not None and actor.is_staff
    if kind is ConsentKind.PR_REFERRAL:
        if not staff:
            raise ValueError("parental responsibility consent is recorded by staff")
        return
    if staff:
        if not recorded_by_staff:
            raise ValueError("staff may only record a young person's own decision as given to them in person")
        return
    if kind in YOUNG_PERSONS_OWN:
        if actor is None or actor.id != young_person.account_id:
            raise ValueError("only the young person makes this choice")
        return
    member = session.scalar(
        select(NetworkMember).where(
            NetworkMember.young_person_id == young_person.id,
            NetworkMember.public_id == scope.removeprefix("member:"),
        )
    )
    if actor is None or member is None or member.account_id != actor.id:
        raise ValueError("only the supporter themselves says whether they take part")


def history(session: Session, young_person: YoungPerson) -> list[ConsentEvent]:
    return list(
        session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.young_person_id == young_person.id)
            .order_by(ConsentEvent.id.desc())
        )
    )
