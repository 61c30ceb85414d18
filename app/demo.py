"""The fictional demo world of DEMO.md: two councils, their staff, Jay's whole world, Amira and Leo.

``load_demo(session)`` is idempotent. The Riverside organisation (slug "riverside") is the marker: if it
exists the world is already there and nothing is touched. Otherwise everything is added in the caller's
one transaction and flushed, never committed, so the caller's commit makes it all-or-nothing.

Most dates are the story's real ones. Only Kayla's fortnightly calls are placed relative to today, so the
demo always shows a missed call, a disputed one and one due this week: the calls started on 9 or 16 August
2025, whichever puts a call in the next seven days.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from app.demo_book import load_book
from app.demo_referrals import example_policy, load_referrals
from app.demo_story import load_story
from app.models import (
    Account,
    Acknowledgement,
    CaseStatus,
    Channel,
    Commitment,
    CommitmentKind,
    Confirmation,
    ConfirmationOutcome,
    ConsentEvent,
    ConsentKind,
    ContactStatus,
    Decision,
    FamilySide,
    LegalStatus,
    MemberKind,
    NetworkMember,
    Objective,
    Occurrence,
    OccurrenceStatus,
    Organisation,
    Plan,
    PlanStatus,
    Role,
    SafetyStatus,
    ScheduleKind,
    YoungPerson,
)

MARKER_SLUG = "riverside"

# The fixed English sentence behind each consent wording key; its SHA-256 is stored with each decision.
WORDING = {
    "pr_referral": "I agree that Lifelong Links may work with this young person and the people who matter.",
    "agreement": "I want Lifelong Links to help me find and keep in touch with people who matter to me.",
    "contact_person": "I agree that my coordinator may get in touch with this person.",
    "supporter_participation": "I agree to take part in this young person's Lifelong Links plan.",
    "sharing": "The people I tick can see this page of my journey book and its photos.",
}

_OK, _DISPUTED = Acknowledgement.HAPPENED, Acknowledgement.DID_NOT_HAPPEN

# fmt: off
_OBJECTIVES = ("find out about Dad's side", "see Kayla more", "learn to cook Nan's jollof")  # Jay's words

# The people taking part. key: name, relationship, family side, circle, supporter account name, e-mail
_SUPPORTERS = {
    "nan": ("Maureen (Nan)", "maternal grandmother", "mothers", 1, "Maureen", "maureen@example.com"),
    "kayla": ("Kayla", "sister, 14, another placement", "both", 1, "Bev (Kayla's carer)", "bev@example.com"),
    "dev": ("Dev", "maternal uncle", "mothers", 2, "Dev", "dev@example.com"),
    "sue": ("Sue Carter", "former foster carer, 2019–2021", "not_family", 2, "Sue Carter", "sue@example.org"),
    "okafor": ("Mr Okafor", "former teacher", "not_family", 3, "Mr Okafor", "okafor@example.org"),
    "rose": ("Aunt Rose", "paternal aunt, lives in Ghana", "fathers", 2, "Rose", "rose@example.com"),
}

# key: supporter, then the Commitment's values in the order of _COMMITMENT_FIELDS
_COMMITMENT_FIELDS = ("kind", "schedule", "starts_on", "interval", "window_days_before", "window_days_after",
                      "checked_by", "description")
_COMMITMENTS = {
    "birthday": ("nan", "birthday_call", "yearly_birthday", None, None, 3, 1, "Jay, in the app",
                 "Nan rings Jay on their birthday (14 March), and sends a card."),
    "football": ("dev", "outing", "every_n_months", date(2025, 8, 23), 4, 10, 10, "Jay's foster carer",
                 "Dev takes Jay to a football match every school holiday (summer, Christmas and Easter, "
                 "so about every four months; Dev agrees each date with Jay's foster carer)."),
    "christmas": ("sue", "christmas_card", "yearly_date", date(2025, 12, 25), None, 10, 1, "Jay, in the app",
                  "Sue sends a Christmas card and invites Jay for Boxing Day."),
    "kayla": ("kayla", "call", "every_n_weeks", None, 2, 2, 3, "Kayla's carer and Jay",
              "Kayla and Jay video-call every two weeks (Kayla's carer sets it up)."),
    "work": ("okafor", "work_experience", "once", date(2026, 6, 1), None, 180, 0, "Tom Bell at the review",
             "Mr Okafor helps Jay find work experience before June 2026."),
    "rose": ("rose", "birthday_call", "yearly_birthday", None, None, 1, 2, "Jay, in the app",
             "Aunt Rose sends a voice message on Jay's birthday and tells them about Dad's side."),
}

# commitment, due on, status, the supporter's confirmation: happened on (None: could not), Jay's answer, note
_OCCURRENCES = [
    ("birthday", date(2026, 3, 14), "kept", date(2026, 3, 14), _OK, "Rang at breakfast; the card came too."),
    ("rose", date(2026, 3, 14), "kept", date(2026, 3, 14), _OK, "A voice message about Grandad Kofi."),
    ("christmas", date(2025, 12, 25), "kept", date(2025, 12, 22), _OK, None),
    ("football", date(2025, 8, 23), "kept", date(2025, 8, 23), _OK, None),
    ("football", date(2025, 12, 23), "kept", date(2025, 12, 27), _OK, None),
    ("football", date(2026, 4, 23), "could_not", None, None, "Working away over Easter; half-term instead."),
    ("work", date(2026, 6, 1), "kept", date(2026, 5, 18), _OK, "A week at Riverside Bike Workshop."),
]

# title, kind, happened on, date precision, people, body; Sue wrote her memory, Jay wrote the rest
# fmt: on


def load_demo(session, photo_dir: Path) -> bool:
    """Add the demo world unless it is already there. Returns True if it was created now.

    The journey book's pictures are drawn and stored in ``photo_dir`` like any upload.
    """
    if session.scalar(select(Organisation.id).where(Organisation.slug == MARKER_SLUG)) is not None:
        return False
    riverside, northmoor = _load_organisations(session)
    staff = _load_staff(session, riverside, northmoor)
    _load_jay(session, riverside, staff, date.today(), photo_dir)
    load_referrals(session, riverside, northmoor, staff["ola"])
    session.flush()
    return True


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _load_organisations(session) -> tuple[Organisation, Organisation]:
    riverside, northmoor = (
        Organisation(
            slug=place.lower(),
            name=f"{place} Lifelong Links",
            email=f"lifelong.links@{place.lower()}.example.org",
            phone=phone,
            address=f"{place} Civic Centre, 1 Market Street, {place}",
            website=f"https://{place.lower()}.example.org/lifelong-links",
            policy_name=policy,
            policy=example_policy(policy),
        )
        for place, phone, policy in (
            ("Riverside", "01632 960000", "barking-and-dagenham"),
            ("Northmoor", "01632 960100", "durham"),
        )
    )
    session.add_all([riverside, northmoor])
    return riverside, northmoor


def _load_staff(session, riverside: Organisation, northmoor: Organisation) -> dict[str, Account]:
    people = {
        "priya": ("Priya Shah", Role.COORDINATOR, riverside),
        "tom": ("Tom Bell", Role.SOCIAL_WORKER, riverside),
        "grace": ("Grace Adeyemi", Role.IRO, riverside),
        "riverside_admin": ("Dan Whitfield", Role.ADMIN, riverside),
        "ola": ("Ola Nowak", Role.COORDINATOR, northmoor),
        "northmoor_admin": ("Morag Ellis", Role.ADMIN, northmoor),
    }
    staff = {}
    for key, (name, role, organisation) in people.items():
        email = f"{name.lower().replace(' ', '.')}@{organisation.slug}.example.org"
        staff[key] = Account(role=role, organisation=organisation, display_name=name, email=email)
    session.add_all(staff.values())
    return staff


def _load_jay(
    session, riverside: Organisation, staff: dict[str, Account], today: date, photo_dir: Path
) -> None:
    jay = YoungPerson(
        organisation=riverside,
        account=Account(role=Role.YOUNG_PERSON, organisation=riverside, display_name="Jay", language="en"),
        coordinator=staff["priya"],
        social_worker=staff["tom"],
        chosen_name="Jay",
        pronouns="they/them",
        date_of_birth=date(2010, 3, 14),
        legal_status=LegalStatus.CARE_ORDER,
        in_care_since=date(2022, 5, 9),
        status=CaseStatus.PLAN_AGREED,
        placement_address="Long-term foster placement, 14 Willow Close, Riverside",
        school="Riverside Academy",
        objectives=[Objective(text=text) for text in _OBJECTIVES],
    )
    session.add(jay)
    members = _load_network(session, jay, staff["priya"])
    session.flush()  # consent scopes name the members' public ids
    _load_consent(session, jay, members, staff["priya"])
    commitments = _load_plan(session, jay, members, staff["tom"])
    _load_occurrences(session, commitments, today)
    load_book(session, jay, members, photo_dir, _consent)
    load_story(session, jay, members)


def _load_network(session, jay: YoungPerson, priya: Account) -> dict[str, NetworkMember]:
    members, decided = {}, {"safety_decided_by": priya, "safety_decided_at": _at(date(2025, 5, 20))}
    for number, (key, (name, label, side, circle, display, email)) in enumerate(_SUPPORTERS.items()):
        phone = f"07700 900{101 + number}"
        members[key] = NetworkMember(
            young_person=jay,
            account=Account(role=Role.SUPPORTER, display_name=display, email=email, phone=phone),
            name=name,
            relationship_label=label,
            family_side=FamilySide(side),
            circle=circle,
            safety_status=SafetyStatus.SAFE,
            contact_status=ContactStatus.TAKING_PART,
            email=email,
            phone=phone,
            **decided,
        )
    members["rose"].country = "Ghana"
    members["rose"].account.timezone = "Africa/Accra"
    members["rose"].staff_notes = "Found by Priya through a cousin in Kumasi."
    members["biscuit"] = NetworkMember(
        young_person=jay, kind=MemberKind.PET, name="Biscuit", relationship_label="Nan's dog", circle=1
    )
    members["gary"] = NetworkMember(
        young_person=jay,
        name="Gary",
        relationship_label="mother's ex-partner",
        family_side=FamilySide.NOT_FAMILY,
        safety_status=SafetyStatus.DO_NOT_CONTACT,
        safety_reason="Risk of harm to Jay on social care records. Never contact him or say where Jay lives.",
        shown_to_young_person=False,
        **decided,
    )
    session.add_all(members.values())
    return members


def _consent(jay: YoungPerson, kind: ConsentKind, actor: Account, on: date, **values) -> ConsentEvent:
    key = "agreement" if kind is ConsentKind.YOUNG_PERSON_AGREEMENT else kind.value
    values.setdefault("channel", Channel.APP)
    return ConsentEvent(
        young_person_id=jay.id,
        kind=kind,
        decision=Decision.GIVEN,
        actor=actor,
        actor_role=actor.role.value,
        recorded_by_staff=actor.is_staff,
        decided_on=on,
        wording_key=key,
        wording_version="1",
        wording_language="en",
        wording_sha256=hashlib.sha256(WORDING[key].encode()).hexdigest(),
        **values,
    )


def _load_consent(session, jay: YoungPerson, members: dict[str, NetworkMember], priya: Account) -> None:
    pr = {"channel": Channel.IN_PERSON, "pr_holder": "Riverside Council (care order)"}
    session.add(_consent(jay, ConsentKind.PR_REFERRAL, priya, date(2025, 3, 3), **pr))
    session.add(_consent(jay, ConsentKind.YOUNG_PERSON_AGREEMENT, jay.account, date(2025, 3, 10)))
    for member in members.values():
        scope = f"member:{member.public_id}"
        if member.safety_status is SafetyStatus.SAFE:
            session.add(_consent(jay, ConsentKind.CONTACT_PERSON, jay.account, date(2025, 5, 2), scope=scope))
        if member.contact_status is ContactStatus.TAKING_PART:
            participation = ConsentKind.SUPPORTER_PARTICIPATION
            session.add(_consent(jay, participation, member.account, date(2025, 6, 14), scope=scope))


def _load_plan(session, jay: YoungPerson, members, tom: Account) -> dict[str, Commitment]:
    commitments = {}
    for key, (who, *row) in _COMMITMENTS.items():
        values = dict(zip(_COMMITMENT_FIELDS, row, strict=True))
        values.update(kind=CommitmentKind(values["kind"]), schedule=ScheduleKind(values["schedule"]))
        commitments[key] = Commitment(supporters=[members[who]], **values)
    attendees = (
        "Jay; Nan (Maureen) and Biscuit; Dev; Sue Carter; Mr Okafor; Kayla and Bev, her carer; "
        "Aunt Rose by video from Ghana; Priya Shah (coordinator); Tom Bell (social worker)"
    )
    plan = Plan(
        young_person=jay,
        version=1,
        status=PlanStatus.ACTIVE,
        conference_on=date(2025, 8, 2),
        conference_place="Willowbank Community Centre, Riverside",
        conference_attendees=attendees,
        private_family_time=True,
        agreed_by=tom,
        agreed_on=date(2025, 8, 9),
        review_due_on=date(2026, 2, 2),
        commitments=list(commitments.values()),
    )
    session.add(plan)
    return commitments


def _kayla_calls(today: date) -> tuple[date, list[date]]:
    """The calls' first date, and the last four calls followed by the next one, due in the next 7 days."""
    for start in (date(2025, 8, 9), date(2025, 8, 16)):
        upcoming = start + timedelta(weeks=2 * math.ceil((today - start).days / 14))
        if upcoming <= today + timedelta(days=7):
            return start, [upcoming - timedelta(weeks=2 * n) for n in (4, 3, 2, 1, 0)]
    raise AssertionError("two starts a week apart always put a call in the next 7 days")


def _occurrence(commitment: Commitment, due_on: date, status: str, *confirmations) -> Occurrence:
    return Occurrence(
        commitment=commitment,
        due_on=due_on,
        window_starts_on=due_on - timedelta(days=commitment.window_days_before),
        window_ends_on=due_on + timedelta(days=commitment.window_days_after),
        status=OccurrenceStatus(status),
        confirmations=list(confirmations),
    )


def _confirmation(commitment: Commitment, happened_on: date | None, answer=None, note=None) -> Confirmation:
    """The supporter's "I did it" (or "I couldn't", without a date) and Jay's answer, if any."""
    return Confirmation(
        by_account=commitment.supporters[0].account,
        outcome=ConfirmationOutcome.DONE if happened_on else ConfirmationOutcome.COULD_NOT,
        happened_on=happened_on,
        note=note,
        acknowledgement=answer,
        acknowledged_at=_at(happened_on + timedelta(days=1), 18) if answer else None,
    )


def _load_occurrences(session, commitments: dict[str, Commitment], today: date) -> None:
    for key, due_on, status, happened_on, answer, note in _OCCURRENCES:
        commitment = commitments[key]
        confirmation = _confirmation(commitment, happened_on, answer, note)
        session.add(_occurrence(commitment, due_on, status, confirmation))
    calls = commitments["kayla"]
    calls.starts_on, (first, disputed, missed, latest, upcoming) = _kayla_calls(today)
    session.add_all(
        [
            _occurrence(calls, first, "kept", _confirmation(calls, first, _OK)),
            _occurrence(
                calls, disputed, "kept", _confirmation(calls, disputed, _DISPUTED, "Set up as usual.")
            ),
            _occurrence(calls, missed, "missed"),
            _occurrence(calls, latest, "kept", _confirmation(calls, latest)),  # Jay has not answered yet
            _occurrence(calls, upcoming, "due"),
        ]
    )
