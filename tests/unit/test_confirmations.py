"""Occurrences and confirmations (app/domain/occurrences.py, app/domain/confirmations.py) on a real database.

Jay (born 14 March 2010, care order) is taking part; Nan rings Jay every fortnight and has signed up as
a supporter. Every date is fixed: "today" is Monday 11 May 2026, and each rule about time is given an
explicit ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain import confirmations, occurrences
from app.domain.confirmations import ConfirmationRefused
from app.models import (
    Account,
    Acknowledgement,
    AuditEvent,
    Commitment,
    CommitmentKind,
    Confirmation,
    ConfirmationOutcome,
    ConsentKind,
    Decision,
    NetworkMember,
    Occurrence,
    OccurrenceStatus,
    Plan,
    PlanStatus,
    Role,
    SafetyStatus,
    ScheduleKind,
    YoungPerson,
)
from tests import factories

TODAY = date(2026, 5, 11)
NOW = datetime(2026, 5, 11, 9, 30, tzinfo=UTC)
DONE, COULD_NOT, MOVED = ConfirmationOutcome.DONE, ConfirmationOutcome.COULD_NOT, ConfirmationOutcome.MOVED


@dataclass
class Calls:
    young_person: YoungPerson
    plan: Plan
    nan: NetworkMember
    nan_account: Account
    call: Commitment
    today: Occurrence  # the fortnightly call due today, on time until Thursday

    def promise(self, session, occurrence: Occurrence | None = None, on: date = TODAY):
        occurrence = occurrence or self.today
        return confirmations.promise_for(session, self.nan_account, occurrence.public_id, on)


@pytest.fixture
def calls(db_session, organisation) -> Calls:
    jay = factories.young_person(db_session, organisation=organisation, chosen_name="Jay")
    factories.consent_to_contact(db_session, jay)  # parental responsibility consent and Jay's agreement
    nan = factories.supporter_with_account(db_session, jay, name="Nan")
    plan = factories.plan(db_session, jay, status=PlanStatus.ACTIVE)
    call = factories.commitment(
        db_session,
        plan,
        supporters=[nan],
        kind=CommitmentKind.CALL,
        description="Nan rings Jay",
        schedule=ScheduleKind.EVERY_N_WEEKS,
        interval=2,
        starts_on=date(2026, 1, 5),
        window_days_after=3,
    )
    due_today = factories.occurrence(
        db_session, call, due_on=TODAY, window_starts_on=TODAY, window_ends_on=TODAY + timedelta(days=3)
    )
    db_session.commit()
    return Calls(jay, plan, nan, db_session.get(Account, nan.account_id), call, due_today)


def stored(session, commitment: Commitment) -> list[tuple[date, date, date]]:
    return [
        tuple(row)
        for row in session.execute(
            select(Occurrence.due_on, Occurrence.window_starts_on, Occurrence.window_ends_on)
            .where(Occurrence.commitment_id == commitment.id)
            .order_by(Occurrence.due_on)
        )
    ]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def ledger(session, young_person, kind: ConsentKind, decision: Decision, member=None) -> None:
    """A newer row in the consent ledger (the latest row per kind and scope is what counts)."""
    scope = f"member:{member.public_id}" if member is not None else ""
    factories.consent_event(session, young_person, kind=kind, decision=decision, scope=scope)


# 1. Occurrences come from the schedules


def test_sync_writes_a_month_back_to_a_year_ahead_of_every_schedule_and_a_second_run_adds_nothing(
    db_session, calls
):
    plan = calls.plan
    birthday = factories.commitment(
        db_session, plan, supporters=[calls.nan], schedule=ScheduleKind.YEARLY_BIRTHDAY, window_days_before=7
    )
    christmas = factories.commitment(
        db_session,
        plan,
        kind=CommitmentKind.CHRISTMAS_CARD,
        schedule=ScheduleKind.YEARLY_DATE,
        starts_on=date(2025, 12, 25),
        window_days_before=10,
    )
    quarterly = factories.commitment(
        db_session,
        plan,
        kind=CommitmentKind.VISIT,
        schedule=ScheduleKind.EVERY_N_MONTHS,
        interval=3,
        starts_on=date(2026, 1, 31),
    )
    once = factories.commitment(
        db_session, plan, kind=CommitmentKind.OUTING, schedule=ScheduleKind.ONCE, starts_on=date(2026, 6, 1)
    )
    long_ago = factories.commitment(
        db_session, plan, kind=CommitmentKind.OUTING, schedule=ScheduleKind.ONCE, starts_on=date(2026, 1, 1)
    )
    weekly_until_june = factories.commitment(
        db_session,
        plan,
        kind=CommitmentKind.LETTER,
        schedule=ScheduleKind.EVERY_N_WEEKS,
        interval=1,
        starts_on=date(2026, 5, 4),
        ends_on=date(2026, 6, 1),
    )
    db_session.commit()

    added = occurrences.sync(db_session, plan, TODAY)
    db_session.commit()

    # From 10 April 2026 (a month back) to 12 May 2027 (a year ahead).
    fortnightly = [date(2026, 1, 5) + timedelta(weeks=2 * k) for k in range(7, 36)]
    assert (fortnightly[0], fortnightly[-1], len(fortnightly)) == (date(2026, 4, 13), date(2027, 5, 10), 29)
    expected = {
        # today's call was already there, with its window: it is kept as it was, not added again
        calls.call: [(day, day, day + timedelta(days=3)) for day in fortnightly],
        birthday: [(date(2027, 3, 14), date(2027, 3, 7), date(2027, 3, 14))],
        christmas: [(date(2026, 12, 25), date(2026, 12, 15), date(2026, 12, 25))],
        quarterly: [
            (day,) * 3
            for day in (
                date(2026, 4, 30),
                date(2026, 7, 31),
                date(2026, 10, 31),
                date(2027, 1, 31),
                date(2027, 4, 30),
            )
        ],
        once: [(date(2026, 6, 1),) * 3],
        long_ago: [],
        weekly_until_june: [(date(2026, 5, 4) + timedelta(weeks=k),) * 3 for k in range(5)],
    }
    for commitment, dues in expected.items():
        assert stored(db_session, commitment) == dues, commitment.schedule
    assert added == sum(len(dues) for dues in expected.values()) - 1  # today's call existed
    total = count(db_session, Occurrence)

    assert occurrences.sync(db_session, plan, TODAY) == 0
    db_session.commit()
    assert count(db_session, Occurrence) == total


def test_a_later_sync_adds_only_the_new_end_and_leaves_confirmed_occurrences_alone(db_session, calls):
    occurrences.sync(db_session, calls.plan, TODAY)
    promise = calls.promise(db_session)
    confirmations.confirm(db_session, calls.nan_account, promise, DONE, TODAY, NOW)
    db_session.commit()
    before = stored(db_session, calls.call)

    later = TODAY + timedelta(days=30)
    assert occurrences.sync(db_session, calls.plan, later) == 2  # 24 May and 7 June 2027
    db_session.commit()
    after = stored(db_session, calls.call)
    assert after[: len(before)] == before
    assert [due for due, _start, _end in after[len(before) :]] == [date(2027, 5, 24), date(2027, 6, 7)]
    db_session.expire_all()
    kept = db_session.get(Occurrence, calls.today.id)
    assert kept.status is OccurrenceStatus.KEPT and len(kept.confirmations) == 1


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.AGREED_AT_CONFERENCE, PlanStatus.SUPERSEDED])
def test_sync_writes_nothing_for_a_plan_that_is_not_active(db_session, calls, status):
    calls.plan.status = status
    db_session.commit()
    assert occurrences.sync(db_session, calls.plan, TODAY) == 0
    assert stored(db_session, calls.call) == [(TODAY, TODAY, TODAY + timedelta(days=3))]


def test_starting_the_plan_writes_its_occurrences(db_session, calls, organisation):
    """``plans.start`` syncs at once, so the supporter sees what is due from the first day."""
    from app.domain import plans, schedules
    from app.models import utcnow

    coordinator = factories.account(db_session, role=Role.COORDINATOR, organisation=organisation)
    calls.plan.status = PlanStatus.SUPERSEDED
    today = schedules.today_in("Europe/London", utcnow())
    new = factories.plan(db_session, calls.young_person, version=2, status=PlanStatus.AGREED_BY_SOCIAL_WORKER)
    monthly = factories.commitment(
        db_session,
        new,
        supporters=[calls.nan],
        schedule=ScheduleKind.EVERY_N_MONTHS,
        interval=1,
        starts_on=today,
    )
    db_session.commit()
    plans.start(db_session, coordinator, new, review_due_on=None)
    db_session.commit()
    dues = [due for due, *_ in stored(db_session, monthly)]
    assert (dues[0], len(dues)) == (today, 13)  # this month and each of the next twelve
    assert stored(db_session, calls.call) == [(TODAY, TODAY, TODAY + timedelta(days=3))]  # superseded


def test_close_windows_marks_missed_only_what_is_still_due_after_its_window(db_session, calls):
    call, day = calls.call, timedelta(days=1)

    def occurrence(due_on, window_ends_on, status=OccurrenceStatus.DUE):
        return factories.occurrence(
            db_session, call, due_on=due_on, window_ends_on=window_ends_on, status=status
        )

    lapsed = occurrence(TODAY - 14 * day, TODAY - day)
    last_day_today = occurrence(TODAY - 4 * day, TODAY)
    kept = occurrence(TODAY - 28 * day, TODAY - 25 * day, OccurrenceStatus.KEPT)
    could_not = occurrence(TODAY - 42 * day, TODAY - 39 * day, OccurrenceStatus.COULD_NOT)
    moved = occurrence(TODAY - 56 * day, TODAY - 53 * day, OccurrenceStatus.MOVED)
    coming = occurrence(TODAY + 14 * day, TODAY + 17 * day)
    db_session.commit()

    assert occurrences.close_windows(db_session, TODAY) == 1
    db_session.commit()
    db_session.expire_all()
    statuses = {o.id: o.status for o in db_session.scalars(select(Occurrence))}
    assert statuses == {
        lapsed.id: OccurrenceStatus.MISSED,
        last_day_today.id: OccurrenceStatus.DUE,
        kept.id: OccurrenceStatus.KEPT,
        could_not.id: OccurrenceStatus.COULD_NOT,
        moved.id: OccurrenceStatus.MOVED,
        coming.id: OccurrenceStatus.DUE,
        calls.today.id: OccurrenceStatus.DUE,
    }
    assert occurrences.close_windows(db_session, TODAY) == 0


def test_for_commitments_reads_the_occurrences_between_two_dates_with_their_confirmations(db_session, calls):
    occurrences.sync(db_session, calls.plan, TODAY)
    confirmations.confirm(db_session, calls.nan_account, calls.promise(db_session), DONE, TODAY, NOW)
    db_session.commit()
    db_session.expire_all()
    call = db_session.get(Commitment, calls.call.id)
    found = occurrences.for_commitments(
        db_session, [call], TODAY - timedelta(days=14), TODAY + timedelta(days=14)
    )
    assert [o.due_on for o in found] == [date(2026, 4, 27), TODAY, date(2026, 5, 25)]
    assert [len(o.confirmations) for o in found] == [0, 1, 0]
    assert occurrences.for_commitments(db_session, [], TODAY, TODAY) == []


@pytest.mark.parametrize(
    ("status", "due_in_days", "today_in_days", "open_"),
    [
        (OccurrenceStatus.DUE, 7, 0, True),  # a week ahead
        (OccurrenceStatus.DUE, 8, 0, False),  # further ahead
        (OccurrenceStatus.DUE, 0, 3 + 14, True),  # a fortnight after the window, late news still counts
        (OccurrenceStatus.MISSED, 0, 3 + 14, True),
        (OccurrenceStatus.MISSED, 0, 3 + 15, False),
        (OccurrenceStatus.KEPT, 0, 0, False),
        (OccurrenceStatus.COULD_NOT, 0, 0, False),
        (OccurrenceStatus.MOVED, 0, 0, False),
    ],
)
def test_which_occurrences_are_open_to_confirm(status, due_in_days, today_in_days, open_):
    due = TODAY + timedelta(days=due_in_days)
    occurrence = Occurrence(
        due_on=due, window_starts_on=due, window_ends_on=due + timedelta(days=3), status=status
    )
    assert occurrences.open_to_confirm(occurrence, TODAY + timedelta(days=today_in_days)) is open_


# 2. Who may confirm


def test_the_supporter_named_on_the_commitment_may_confirm_it(db_session, calls):
    promise = calls.promise(db_session)
    assert promise is not None
    assert (promise.occurrence.id, promise.member.id) == (calls.today.id, calls.nan.id)


def _stranger(session, calls):
    return factories.account(session, role=Role.SUPPORTER), None


def _supporter_of_another_commitment(session, calls):
    dev = factories.supporter_with_account(session, calls.young_person, name="Dev")
    factories.commitment(session, calls.plan, supporters=[dev], kind=CommitmentKind.OUTING)
    return session.get(Account, dev.account_id), None


def _someone_else_in_the_network(session, calls):
    rose = factories.supporter_with_account(session, calls.young_person, name="Rose")
    return session.get(Account, rose.account_id), None


def _an_occurrence_of_a_sibling_she_does_not_promise(session, calls):
    kayla = factories.young_person(session, organisation=calls.young_person.organisation, chosen_name="Kayla")
    factories.consent_to_contact(session, kayla)
    factories.supporter_with_account(session, kayla, supporter=calls.nan_account, name="Nan")
    dev = factories.supporter_with_account(session, kayla, name="Dev")
    visits = factories.commitment(
        session, factories.plan(session, kayla, status=PlanStatus.ACTIVE), supporters=[dev]
    )
    return calls.nan_account, factories.occurrence(session, visits, due_on=TODAY)


def _jay_withdraws_ok_to_contact_nan(session, calls):
    ledger(session, calls.young_person, ConsentKind.CONTACT_PERSON, Decision.WITHDRAWN, calls.nan)
    return calls.nan_account, None


def _jay_pauses(session, calls):
    ledger(session, calls.young_person, ConsentKind.YOUNG_PERSON_AGREEMENT, Decision.WITHDRAWN)
    return calls.nan_account, None


def _nan_stops_taking_part(session, calls):
    ledger(session, calls.young_person, ConsentKind.SUPPORTER_PARTICIPATION, Decision.WITHDRAWN, calls.nan)
    return calls.nan_account, None


def _nan_is_found_unsafe(session, calls):
    calls.nan.safety_status = SafetyStatus.DO_NOT_CONTACT
    return calls.nan_account, None


def _the_case_is_closed(session, calls):
    calls.young_person.closed_at = NOW
    return calls.nan_account, None


def _plan_status(status):
    def change(session, calls):
        calls.plan.status = status
        return calls.nan_account, None

    change.__name__ = f"_plan_{status.value}"
    return change


@pytest.mark.parametrize(
    "change",
    [
        _stranger,
        _supporter_of_another_commitment,
        _someone_else_in_the_network,
        _an_occurrence_of_a_sibling_she_does_not_promise,
        _jay_withdraws_ok_to_contact_nan,
        _jay_pauses,
        _nan_stops_taking_part,
        _nan_is_found_unsafe,
        _the_case_is_closed,
        _plan_status(PlanStatus.DRAFT),
        _plan_status(PlanStatus.AGREED_AT_CONFERENCE),
        _plan_status(PlanStatus.AGREED_BY_SOCIAL_WORKER),
        _plan_status(PlanStatus.SUPERSEDED),
    ],
    ids=lambda change: change.__name__.strip("_"),
)
def test_promise_for_refuses(db_session, calls, change):
    actor, occurrence = change(db_session, calls)
    db_session.commit()
    occurrence = occurrence or calls.today
    assert confirmations.promise_for(db_session, actor, occurrence.public_id, TODAY) is None


def test_a_pause_takes_effect_at_once_and_ends_when_the_young_person_carries_on(db_session, calls):
    assert calls.promise(db_session) is not None
    _jay_pauses(db_session, calls)
    db_session.commit()
    assert calls.promise(db_session) is None
    ledger(db_session, calls.young_person, ConsentKind.YOUNG_PERSON_AGREEMENT, Decision.GIVEN)
    db_session.commit()
    assert calls.promise(db_session) is not None


def test_for_siblings_each_young_persons_own_choices_count(db_session, calls):
    """Nan supports Jay and his sister Kayla with one account; Kayla pausing stops only Kayla's calls."""
    kayla = factories.young_person(
        db_session, organisation=calls.young_person.organisation, chosen_name="Kayla"
    )
    factories.consent_to_contact(db_session, kayla)
    nan_for_kayla = factories.supporter_with_account(
        db_session, kayla, supporter=calls.nan_account, name="Nan"
    )
    kayla_calls = factories.commitment(
        db_session, factories.plan(db_session, kayla, status=PlanStatus.ACTIVE), supporters=[nan_for_kayla]
    )
    kayla_today = factories.occurrence(db_session, kayla_calls, due_on=TODAY)
    db_session.commit()
    assert calls.promise(db_session, kayla_today).member.id == nan_for_kayla.id
    assert calls.promise(db_session).member.id == calls.nan.id

    ledger(db_session, kayla, ConsentKind.YOUNG_PERSON_AGREEMENT, Decision.WITHDRAWN)
    db_session.commit()
    assert calls.promise(db_session, kayla_today) is None
    assert calls.promise(db_session) is not None


def test_an_unknown_occurrence_is_nobodys_promise(db_session, calls):
    assert confirmations.promise_for(db_session, calls.nan_account, "not-an-occurrence", TODAY) is None


# 3. "I did it", "I couldn't this time", "We've moved it"


def test_i_did_it_defaults_to_today_keeps_the_occurrence_and_is_audited(db_session, calls):
    confirmation = confirmations.confirm(
        db_session, calls.nan_account, calls.promise(db_session), DONE, TODAY, NOW, note="  We talked  "
    )
    db_session.commit()
    db_session.expire_all()
    saved = db_session.get(Confirmation, confirmation.id)
    assert (saved.outcome, saved.happened_on, saved.moved_to, saved.note) == (DONE, TODAY, None, "We talked")
    assert (saved.by_account_id, saved.created_at, saved.undone_at) == (calls.nan_account.id, NOW, None)
    assert saved.occurrence.status is OccurrenceStatus.KEPT
    [audit] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "confirmation.done"))
    assert (audit.actor_account_id, audit.object_public_id, audit.young_person_id) == (
        calls.nan_account.id,
        calls.today.public_id,
        calls.young_person.id,
    )


def test_a_date_in_the_past_is_kept_and_a_date_in_the_future_is_refused(db_session, calls):
    promise = calls.promise(db_session)
    with pytest.raises(ConfirmationRefused) as refused:
        confirmations.confirm(
            db_session, calls.nan_account, promise, DONE, TODAY, NOW, happened_on=TODAY + timedelta(days=1)
        )
    assert refused.value.reason == "future"
    with pytest.raises(ConfirmationRefused) as refused:
        confirmations.confirm(
            db_session, calls.nan_account, promise, DONE, TODAY, NOW, happened_on=TODAY - timedelta(days=32)
        )
    assert refused.value.reason == "too_early"
    db_session.rollback()
    assert count(db_session, Confirmation) == 0

    yesterday = TODAY - timedelta(days=1)
    done = confirmations.confirm(
        db_session, calls.nan_account, calls.promise(db_session), DONE, TODAY, NOW, happened_on=yesterday
    )
    assert done.happened_on == yesterday


def test_i_couldnt_this_time_has_no_date_and_keeps_the_reason(db_session, calls):
    confirmation = confirmations.confirm(
        db_session,
        calls.nan_account,
        calls.promise(db_session),
        COULD_NOT,
        TODAY,
        NOW,
        happened_on=TODAY,
        note="I was in hospital",
    )
    db_session.commit()
    assert (confirmation.happened_on, confirmation.note) == (None, "I was in hospital")
    assert db_session.get(Occurrence, calls.today.id).status is OccurrenceStatus.COULD_NOT


@pytest.mark.parametrize(
    "moved_to", [None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=400)]
)  # no day, the past, the day it is already due, more than a year away
def test_moving_needs_a_new_day_today_or_later(db_session, calls, moved_to):
    with pytest.raises(ConfirmationRefused) as refused:
        confirmations.confirm(
            db_session, calls.nan_account, calls.promise(db_session), MOVED, TODAY, NOW, moved_to=moved_to
        )
    assert refused.value.reason == "moved_to_needed"
    db_session.rollback()
    assert count(db_session, Confirmation) == 0
    assert stored(db_session, calls.call) == [(TODAY, TODAY, TODAY + timedelta(days=3))]


def test_moving_makes_the_new_day_due_once_with_a_window_as_long_as_the_old_one(db_session, calls):
    saturday = TODAY + timedelta(days=5)
    confirmations.confirm(
        db_session, calls.nan_account, calls.promise(db_session), MOVED, TODAY, NOW, moved_to=saturday
    )
    db_session.commit()
    assert stored(db_session, calls.call) == [
        (TODAY, TODAY, TODAY + timedelta(days=3)),
        (saturday, saturday, saturday + timedelta(days=3)),
    ]
    assert db_session.get(Occurrence, calls.today.id).status is OccurrenceStatus.MOVED

    # Moved again to the same Saturday (after an undo): still one Saturday.
    [moved] = db_session.get(Occurrence, calls.today.id).confirmations
    confirmations.undo(db_session, calls.nan_account, moved, TODAY, NOW + timedelta(minutes=1))
    confirmations.confirm(
        db_session,
        calls.nan_account,
        calls.promise(db_session),
        MOVED,
        TODAY,
        NOW + timedelta(minutes=2),
        moved_to=saturday,
    )
    db_session.commit()
    assert [due for due, *_ in stored(db_session, calls.call)] == [TODAY, saturday]
    # And the daily sync does not add the Saturday again, nor bring back the day it was moved from.
    occurrences.sync(db_session, calls.plan, TODAY)
    db_session.commit()
    dues = [due for due, *_ in stored(db_session, calls.call)]
    assert dues.count(saturday) == 1 and dues.count(TODAY) == 1
    # The new day is confirmed like any other.
    new_day = db_session.scalar(select(Occurrence).where(Occurrence.due_on == saturday))
    assert new_day.status is OccurrenceStatus.DUE
    later = confirmations.confirm(
        db_session, calls.nan_account, calls.promise(db_session, new_day, saturday), DONE, saturday, NOW
    )
    assert later.occurrence.status is OccurrenceStatus.KEPT


def test_undoing_a_move_takes_away_the_new_day_unless_it_is_due_anyway_or_answered(db_session, calls):
    saturday, next_call = TODAY + timedelta(days=5), TODAY + timedelta(weeks=2)
    occurrences.sync(db_session, calls.plan, TODAY)
    db_session.commit()
    scheduled = [due for due, *_ in stored(db_session, calls.call)]

    def move(to: date, minutes: int) -> Confirmation:
        now = NOW + timedelta(minutes=minutes)
        return confirmations.confirm(
            db_session, calls.nan_account, calls.promise(db_session), MOVED, TODAY, now, moved_to=to
        )

    def undo(confirmation: Confirmation, minutes: int) -> None:
        confirmations.undo(
            db_session, calls.nan_account, confirmation, TODAY, NOW + timedelta(minutes=minutes)
        )
        db_session.commit()

    undo(move(saturday, 0), 1)
    assert [due for due, *_ in stored(db_session, calls.call)] == scheduled  # Saturday is gone again
    assert db_session.get(Occurrence, calls.today.id).status is OccurrenceStatus.DUE

    undo(move(next_call, 2), 3)  # a day the schedule has anyway stays
    assert [due for due, *_ in stored(db_session, calls.call)] == scheduled

    moved = move(saturday, 4)
    db_session.commit()
    new_day = db_session.scalar(select(Occurrence).where(Occurrence.due_on == saturday))
    confirmations.confirm(
        db_session, calls.nan_account, calls.promise(db_session, new_day), COULD_NOT, TODAY, NOW
    )
    undo(moved, 5)  # Saturday has its own answer now: it stays
    assert db_session.get(Occurrence, new_day.id).status is OccurrenceStatus.COULD_NOT


def test_moving_onto_a_day_that_is_already_due_adds_nothing(db_session, calls):
    occurrences.sync(db_session, calls.plan, TODAY)
    db_session.commit()
    before = count(db_session, Occurrence)
    next_call = TODAY + timedelta(weeks=2)
    confirmations.confirm(
        db_session, calls.nan_account, calls.promise(db_session), MOVED, TODAY, NOW, moved_to=next_call
    )
    db_session.commit()
    assert count(db_session, Occurrence) == before


@pytest.mark.parametrize(
    "status", [OccurrenceStatus.KEPT, OccurrenceStatus.COULD_NOT, OccurrenceStatus.MOVED]
)
def test_an_occurrence_already_answered_is_closed(db_session, calls, status):
    calls.today.status = status
    db_session.commit()
    with pytest.raises(ConfirmationRefused) as refused:
        confirmations.confirm(db_session, calls.nan_account, calls.promise(db_session), DONE, TODAY, NOW)
    assert refused.value.reason == "closed"


def test_occurrences_too_far_ahead_or_long_past_are_closed_but_late_news_within_a_fortnight_counts(
    db_session, calls
):
    far = factories.occurrence(db_session, calls.call, due_on=TODAY + timedelta(days=8))
    lapsed = factories.occurrence(
        db_session,
        calls.call,
        due_on=TODAY - timedelta(days=20),
        window_ends_on=TODAY - timedelta(days=17),
        status=OccurrenceStatus.MISSED,
    )
    late = factories.occurrence(
        db_session,
        calls.call,
        due_on=TODAY - timedelta(days=14),
        window_ends_on=TODAY - timedelta(days=11),
        status=OccurrenceStatus.MISSED,
    )
    db_session.commit()
    for closed in (far, lapsed):
        with pytest.raises(ConfirmationRefused) as refused:
            confirmations.confirm(
                db_session, calls.nan_account, calls.promise(db_session, closed), DONE, TODAY, NOW
            )
        assert refused.value.reason == "closed"
    done = confirmations.confirm(
        db_session,
        calls.nan_account,
        calls.promise(db_session, late),
        DONE,
        TODAY,
        NOW,
        happened_on=late.due_on,
    )
    assert done.occurrence.status is OccurrenceStatus.KEPT  # a missed call told late is kept after all


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        (None, None),
        ("", None),
        ("   \n ", None),
        ("  We talked for an hour about football \n", "We talked for an hour about football"),
        ("x" * 600, "x" * 500),
        ("  " + "é" * 499 + "ab", "é" * 499 + "a"),
    ],
)
def test_the_note_is_trimmed_to_500_characters(db_session, calls, note, kept):
    confirmation = confirmations.confirm(
        db_session, calls.nan_account, calls.promise(db_session), DONE, TODAY, NOW, note=note
    )
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Confirmation, confirmation.id).note == kept


# 4. Undo


def test_undo_within_five_minutes_by_the_same_person_opens_the_occurrence_again(db_session, calls):
    done = confirmations.confirm(db_session, calls.nan_account, calls.promise(db_session), DONE, TODAY, NOW)
    db_session.commit()
    at_the_limit = NOW + timedelta(minutes=5)
    assert confirmations.may_undo(done, calls.nan_account, at_the_limit)
    confirmations.undo(db_session, calls.nan_account, done, TODAY, at_the_limit)
    db_session.commit()
    db_session.expire_all()
    occurrence = db_session.get(Occurrence, calls.today.id)
    assert occurrence.status is OccurrenceStatus.DUE
    assert occurrence.confirmations[0].undone_at == at_the_limit  # kept, marked undone
    assert confirmations.latest(occurrence) is None
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "confirmation.undone")) == 1
    # and it can be confirmed again
    again = confirmations.confirm(
        db_session, calls.nan_account, calls.promise(db_session), COULD_NOT, TODAY, NOW + timedelta(minutes=6)
    )
    assert confirmations.latest(occurrence) is again


def test_undo_after_its_window_leaves_the_occurrence_missed(db_session, calls):
    done = confirmations.confirm(db_session, calls.nan_account, calls.promise(db_session), DONE, TODAY, NOW)
    db_session.commit()
    a_week_later = TODAY + timedelta(days=7)  # the window ended on Thursday
    confirmations.undo(db_session, calls.nan_account, done, a_week_later, NOW + timedelta(minutes=1))
    assert done.occurrence.status is OccurrenceStatus.MISSED


def test_undo_is_refused_after_five_minutes_to_anyone_else_and_twice(db_session, calls):
    done = confirmations.confirm(db_session, calls.nan_account, calls.promise(db_session), DONE, TODAY, NOW)
    dev = factories.supporter_with_account(db_session, calls.young_person, name="Dev")
    calls.call.supporters.append(dev)  # Dev shares the promise, but did not say this
    db_session.commit()
    dev_account = db_session.get(Account, dev.account_id)

    too_late = NOW + timedelta(minutes=5, seconds=1)
    for actor, now in ((calls.nan_account, too_late), (dev_account, NOW + timedelta(minutes=1))):
        assert not confirmations.may_undo(done, actor, now)
        with pytest.raises(ConfirmationRefused) as refused:
            confirmations.undo(db_session, actor, done, TODAY, now)
        assert refused.value.reason == "too_late"
    assert done.undone_at is None and done.occurrence.status is OccurrenceStatus.KEPT

    confirmations.undo(db_session, calls.nan_account, done, TODAY, NOW + timedelta(minutes=2))
    with pytest.raises(ConfirmationRefused):
        confirmations.undo(db_session, calls.nan_account, done, TODAY, NOW + timedelta(minutes=3))


def test_latest_is_the_newest_confirmation_not_undone(db_session, calls):
    occurrence = calls.today
    first = factories.confirmation(db_session, occurrence, by=calls.nan_account, created_at=NOW)
    second = factories.confirmation(
        db_session, occurrence, by=calls.nan_account, created_at=NOW, outcome=COULD_NOT, happened_on=None
    )
    db_session.commit()
    db_session.expire_all()
    occurrence = db_session.get(Occurrence, occurrence.id)
    assert confirmations.latest(occurrence).id == second.id
    db_session.get(Confirmation, second.id).undone_at = NOW
    assert confirmations.latest(occurrence).id == first.id


# 5. The young person's answer


def test_the_young_person_answers_yes_or_gently_no_and_it_is_audited(db_session, calls):
    done = confirmations.confirm(db_session, calls.nan_account, calls.promise(db_session), DONE, TODAY, NOW)
    db_session.commit()
    later = NOW + timedelta(hours=3)
    found = confirmations.own_confirmation(db_session, calls.young_person, done.public_id)
    assert found is not None and found.id == done.id
    confirmations.acknowledge(db_session, calls.young_person, found, False, later)
    db_session.commit()
    db_session.expire_all()
    answered = db_session.get(Confirmation, done.id)
    assert (answered.acknowledgement, answered.acknowledged_at) == (Acknowledgement.DID_NOT_HAPPEN, later)
    [audit] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "confirmation.acknowledged"))
    assert (audit.young_person_id, audit.detail) == (calls.young_person.id, {"happened": False})
    # Changing their mind: the newest answer is what counts
    confirmations.acknowledge(db_session, calls.young_person, answered, True, later + timedelta(minutes=1))
    assert answered.acknowledgement is Acknowledgement.HAPPENED


def test_only_a_live_i_did_it_can_be_answered(db_session, calls):
    could_not = factories.confirmation(
        db_session, calls.today, by=calls.nan_account, outcome=COULD_NOT, happened_on=None, created_at=NOW
    )
    undone = factories.confirmation(
        db_session, calls.today, by=calls.nan_account, created_at=NOW, undone_at=NOW
    )
    db_session.commit()
    for confirmation in (could_not, undone):
        with pytest.raises(ConfirmationRefused) as refused:
            confirmations.acknowledge(db_session, calls.young_person, confirmation, True, NOW)
        assert refused.value.reason == "nothing_to_answer"
        assert confirmation.acknowledgement is None


def test_another_young_persons_confirmation_is_not_theirs_to_answer(db_session, calls):
    done = factories.confirmation(db_session, calls.today, by=calls.nan_account, created_at=NOW)
    kayla = factories.young_person(
        db_session, organisation=calls.young_person.organisation, chosen_name="Kayla"
    )
    db_session.commit()
    assert confirmations.own_confirmation(db_session, kayla, done.public_id) is None
    assert confirmations.own_confirmation(db_session, calls.young_person, "no-such-confirmation") is None


def test_to_answer_lists_live_unanswered_i_did_its_since_a_date_newest_first(db_session, calls):
    call, nan = calls.call, calls.nan_account

    def confirmed(days_ago: int, minutes: int, **values) -> Confirmation:
        due = TODAY - timedelta(days=days_ago)
        occurrence = calls.today if days_ago == 0 else factories.occurrence(db_session, call, due_on=due)
        return factories.confirmation(
            db_session, occurrence, by=nan, created_at=NOW + timedelta(minutes=minutes), **values
        )

    older = confirmed(14, 1)
    newest = confirmed(0, 5)
    confirmed(28, 2, acknowledgement=Acknowledgement.HAPPENED, acknowledged_at=NOW)
    confirmed(42, 3, undone_at=NOW)
    confirmed(56, 4, outcome=COULD_NOT, happened_on=None)
    confirmed(90, 6)  # before "since"
    kayla = factories.young_person(
        db_session, organisation=calls.young_person.organisation, chosen_name="Kayla"
    )
    kayla_plan = factories.plan(db_session, kayla, status=PlanStatus.ACTIVE)
    factories.confirmation(
        db_session,
        factories.occurrence(db_session, factories.commitment(db_session, kayla_plan), due_on=TODAY),
    )
    db_session.commit()

    since = TODAY - timedelta(days=60)
    answers = confirmations.to_answer(db_session, calls.young_person, since)
    assert [c.id for c in answers] == [newest.id, older.id]
    assert answers[0].by_account.display_name == "Nan"
    confirmations.acknowledge(db_session, calls.young_person, answers[0], True, NOW)
    db_session.commit()
    assert [c.id for c in confirmations.to_answer(db_session, calls.young_person, since)] == [older.id]


# 6. Kept, missed, disputed


def test_kept_missed_and_disputed(db_session, calls):
    """Kept: a supporter said "I did it" and the young person did not say it didn't happen. Missed: the
    window passed with no confirmation. Disputed: "That didn't happen" is stored with the confirmation,
    which is never lost, and the occurrence's own status stays as the supporter left it."""
    call, nan, jay = calls.call, calls.nan_account, calls.young_person
    fortnight = timedelta(weeks=2)
    due = {name: TODAY - n * fortnight for n, name in enumerate(["today", "happened", "disputed", "missed"])}
    occurrence = {"today": calls.today} | {
        name: factories.occurrence(db_session, call, due_on=day, window_ends_on=day + timedelta(days=3))
        for name, day in due.items()
        if name != "today"
    }
    db_session.commit()
    on = {name: day + timedelta(days=1) for name, day in due.items()}
    for name in ("today", "happened", "disputed"):
        promise = calls.promise(db_session, occurrence[name], on[name])
        confirmations.confirm(db_session, nan, promise, DONE, on[name], NOW - (TODAY - on[name]))
    for name, happened in (("happened", True), ("disputed", False)):
        [confirmation] = occurrence[name].confirmations
        confirmations.acknowledge(db_session, jay, confirmation, happened, NOW)
    occurrences.close_windows(db_session, TODAY)
    db_session.commit()
    db_session.expire_all()

    def verdict(name):
        found = db_session.get(Occurrence, occurrence[name].id)
        latest = confirmations.latest(found)
        return found.status, latest.acknowledgement if latest else None

    assert verdict("today") == (OccurrenceStatus.KEPT, None)  # kept, waiting for Jay's answer
    assert verdict("happened") == (OccurrenceStatus.KEPT, Acknowledgement.HAPPENED)
    assert verdict("disputed") == (OccurrenceStatus.KEPT, Acknowledgement.DID_NOT_HAPPEN)
    assert verdict("missed") == (OccurrenceStatus.MISSED, None)
    # The disputed confirmation is no longer waiting for an answer, and is not counted as news.
    assert confirmations.to_answer(db_session, jay, TODAY - timedelta(days=60)) == [
        db_session.get(Occurrence, calls.today.id).confirmations[0]
    ]
