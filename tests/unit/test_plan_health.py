"""Plan health on a real database: what counts as kept, missed and disputed, per young person and for the
whole service; the review report's parts; and the coordinators' quiet weekly digest of lapses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.digest_cli import send_digests
from app.domain import plan_health, reviews
from app.domain.plan_health import PeriodChoice
from app.models import (
    Acknowledgement,
    CommitmentKind,
    ConsentKind,
    Decision,
    MemberKind,
    OccurrenceStatus,
    OutboxMessage,
    PlanStatus,
    Role,
    ScheduleKind,
    SnapshotOccasion,
    utcnow,
)
from app.models.base import utcnow as model_utcnow
from tests import factories
from tests.helpers import count_queries

TODAY = date(2026, 5, 20)  # a Wednesday, ISO week 21
NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
LINK = "http://127.0.0.1:5000/staff/health"
DID_NOT = Acknowledgement.DID_NOT_HAPPEN


@dataclass
class Case:
    young_person: object
    coordinator: object
    nan: object
    plan: object


def make_case(session, organisation, coordinator, name="Jay", **values) -> Case:
    young_person = factories.young_person(
        session, organisation=organisation, chosen_name=name, coordinator_id=coordinator.id, **values
    )
    factories.consent_to_contact(session, young_person)
    nan = factories.agreed_supporter(session, young_person, name="Nan Okafor")
    plan = factories.plan(
        session,
        young_person,
        status=PlanStatus.ACTIVE,
        conference_on=date(2026, 1, 10),
        agreed_on=date(2026, 1, 12),
    )
    return Case(young_person, coordinator, nan, plan)


@pytest.fixture
def case(db_session, organisation, coordinator) -> Case:
    made = make_case(db_session, organisation, coordinator)
    db_session.commit()
    return made


def monthly_call(session, case: Case, **values):
    values.setdefault("kind", CommitmentKind.CALL)
    values.setdefault("schedule", ScheduleKind.EVERY_N_MONTHS)
    values.setdefault("interval", 1)
    values.setdefault("starts_on", date(2026, 1, 15))
    return factories.commitment(session, case.plan, supporters=[case.nan], **values)


def birthday_call(session, case: Case, **values):
    return factories.commitment(session, case.plan, supporters=[case.nan], **values)


# 1. What counts


def test_kept_only_when_confirmed_and_not_disputed_missed_when_the_window_passed(
    app, db_session, case, supporter_account
):
    call = monthly_call(db_session, case)
    add = factories.occurrence
    factories.confirmed_occurrence(db_session, call, date(2026, 2, 1), by=supporter_account)  # not answered
    factories.confirmed_occurrence(
        db_session, call, date(2026, 2, 15), by=supporter_account, answer=Acknowledgement.HAPPENED
    )
    factories.confirmed_occurrence(db_session, call, date(2026, 3, 1), by=supporter_account, answer=DID_NOT)
    # Disputed once, undone, then confirmed again and not disputed: kept.
    again = factories.confirmed_occurrence(db_session, call, date(2026, 3, 15), by=supporter_account)
    again.confirmations[0].acknowledgement = DID_NOT
    again.confirmations[0].undone_at = model_utcnow()
    factories.confirmation(db_session, again, by=supporter_account)
    add(db_session, call, due_on=date(2026, 4, 1), status=OccurrenceStatus.MISSED)
    # The daily job has not marked it yet, but its window closed: missed.
    add(db_session, call, due_on=date(2026, 4, 15), window_ends_on=date(2026, 4, 20))
    add(db_session, call, due_on=date(2026, 5, 1), status=OccurrenceStatus.COULD_NOT)
    add(db_session, call, due_on=date(2026, 5, 5), status=OccurrenceStatus.MOVED)
    add(db_session, call, due_on=date(2026, 5, 19), window_ends_on=date(2026, 5, 22))  # still open
    add(db_session, call, due_on=date(2026, 6, 1))  # after the period
    db_session.commit()
    assert len(case.plan.commitments) == 1  # loaded before counting

    with count_queries(app.extensions["db"]) as queries:
        record = reviews.plan_record(db_session, case.plan, date(2026, 1, 12), TODAY, TODAY)
    assert queries.count == 1
    row = record[call.id]
    assert (row.due, row.kept, row.missed, row.disputed, row.other) == (9, 3, 2, 1, 3)
    # Without today (the review page before this change) only marked misses count as missed.
    row = reviews.plan_record(db_session, case.plan, date(2026, 1, 12), TODAY)[call.id]
    assert (row.due, row.kept, row.missed, row.disputed, row.other) == (9, 3, 1, 1, 4)


def test_health_of_a_young_person_lists_what_to_follow_up_newest_first(db_session, case, supporter_account):
    call = monthly_call(db_session, case)
    card = birthday_call(db_session, case, kind=CommitmentKind.BIRTHDAY_CARD)
    factories.occurrence(
        db_session, call, due_on=date(2026, 1, 15), status=OccurrenceStatus.MISSED
    )  # too old
    missed = factories.occurrence(db_session, call, due_on=date(2026, 3, 15), status=OccurrenceStatus.MISSED)
    disputed = factories.confirmed_occurrence(db_session, call, date(2026, 4, 15), answer=DID_NOT)
    factories.confirmed_occurrence(db_session, call, date(2026, 5, 15), by=supporter_account)
    lapsed = factories.occurrence(
        db_session, card, due_on=date(2026, 3, 14), window_ends_on=date(2026, 3, 20)
    )
    db_session.commit()

    health = plan_health.health_of(db_session, case.young_person, PeriodChoice.LAST_3_MONTHS, TODAY)
    assert (health.period.since, health.period.until) == (date(2026, 2, 20), TODAY)
    assert [(f.occurrence.id, f.disputed) for f in health.follow_up] == [
        (disputed.id, True),
        (missed.id, False),
        (lapsed.id, False),
    ]
    totals = health.totals
    assert (totals.due, totals.kept, totals.missed, totals.disputed) == (4, 1, 2, 1)
    assert health.follow_up[0].commitment is call


def test_since_the_last_review_or_since_the_plan_was_agreed(db_session, case):
    period = plan_health.health_of(db_session, case.young_person, PeriodChoice.SINCE_REVIEW, TODAY).period
    assert (period.since, period.review_held_on) == (date(2026, 1, 12), None)
    factories.review(db_session, case.young_person, due_on=date(2026, 4, 1), held_on=date(2026, 4, 2))
    factories.review(db_session, case.young_person, due_on=date(2026, 9, 1))  # not held yet
    db_session.commit()
    period = plan_health.health_of(db_session, case.young_person, PeriodChoice.SINCE_REVIEW, TODAY).period
    assert (period.since, period.until, period.review_held_on) == (date(2026, 4, 2), TODAY, date(2026, 4, 2))


def test_no_active_plan_means_nothing_to_count(db_session, organisation, coordinator):
    young_person = factories.young_person(db_session, organisation=organisation)
    factories.plan(db_session, young_person)  # a draft
    db_session.commit()
    health = plan_health.health_of(db_session, young_person, PeriodChoice.LAST_3_MONTHS, TODAY)
    assert (health.plan, health.record, health.follow_up) == (None, {}, [])


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 5, 31), date(2026, 2, 28)),
        (date(2024, 5, 30), date(2024, 2, 29)),
        (TODAY, date(2026, 2, 20)),
    ],
)
def test_three_months_back_stays_in_the_month(day, expected):
    assert plan_health.months_before(day, 3) == expected


def test_the_organisation_sees_each_active_plan_most_missed_first_in_three_queries(
    app, db_session, organisation, other_organisation, coordinator
):
    made = []
    for n in range(12):
        each = make_case(db_session, organisation, coordinator, name=f"Young {n:02d}")
        call = monthly_call(db_session, each)
        for month in range(1, n % 4 + 1):
            factories.occurrence(
                db_session, call, due_on=date(2026, 2 + month, 10), status=OccurrenceStatus.MISSED
            )
        factories.confirmed_occurrence(db_session, call, date(2026, 5, 12))
        made.append(each)
    factories.confirmed_occurrence(
        db_session, monthly_call(db_session, made[0]), date(2026, 5, 11), answer=DID_NOT
    )
    no_plan = factories.young_person(db_session, organisation=organisation, chosen_name="No plan")
    closed = make_case(db_session, organisation, coordinator, name="Closed", closed_at=model_utcnow())
    elsewhere_coordinator = factories.account(
        db_session, role=Role.COORDINATOR, organisation=other_organisation
    )
    elsewhere = make_case(db_session, other_organisation, elsewhere_coordinator, name="Elsewhere")
    factories.occurrence(db_session, monthly_call(db_session, elsewhere), due_on=date(2026, 4, 1))
    db_session.commit()
    organisation_id = organisation.id
    db_session.expire_all()

    with count_queries(app.extensions["db"]) as queries:
        rows = plan_health.organisation_health(db_session, organisation_id, PeriodChoice.LAST_3_MONTHS, TODAY)
        names = [row.young_person.coordinator.display_name for row in rows]
    assert queries.count <= 3  # young people, their coordinators, and the counts
    assert names == [coordinator.display_name] * 12
    listed = [row.young_person.chosen_name for row in rows]
    assert no_plan.chosen_name not in listed and closed.young_person.chosen_name not in listed
    assert "Elsewhere" not in listed
    assert [row.tally.missed for row in rows] == sorted((n % 4 for n in range(12)), reverse=True)
    assert listed[:3] == ["Young 03", "Young 07", "Young 11"]
    first = next(row for row in rows if row.young_person.chosen_name == "Young 00")
    assert (first.tally.due, first.tally.kept, first.tally.disputed) == (2, 1, 1)


def test_the_organisation_since_each_young_persons_last_review(db_session, organisation, coordinator, case):
    call = monthly_call(db_session, case)
    factories.occurrence(db_session, call, due_on=date(2026, 1, 20), status=OccurrenceStatus.MISSED)
    factories.occurrence(db_session, call, due_on=date(2026, 4, 20), status=OccurrenceStatus.MISSED)
    other = make_case(db_session, organisation, coordinator, name="Sam")
    other_call = monthly_call(db_session, other)
    factories.occurrence(db_session, other_call, due_on=date(2026, 1, 20), status=OccurrenceStatus.MISSED)
    factories.occurrence(db_session, other_call, due_on=date(2026, 4, 20), status=OccurrenceStatus.MISSED)
    factories.review(db_session, other.young_person, due_on=date(2026, 3, 1), held_on=date(2026, 3, 1))
    db_session.commit()
    rows = plan_health.organisation_health(db_session, organisation.id, PeriodChoice.SINCE_REVIEW, TODAY)
    # Jay: since the plan was agreed (12 January); Sam: since the review on 1 March.
    assert {row.young_person.chosen_name: row.tally.missed for row in rows} == {"Jay": 2, "Sam": 1}


# 2. The review report


def test_the_review_report_has_the_period_counts_network_objectives_and_words(
    app, db_session, case, supporter_account
):
    call = monthly_call(db_session, case)
    factories.occurrence(db_session, call, due_on=date(2026, 2, 15), status=OccurrenceStatus.MISSED)  # before
    factories.confirmed_occurrence(db_session, call, date(2026, 3, 15), by=supporter_account)
    factories.confirmed_occurrence(db_session, call, date(2026, 4, 15), answer=DID_NOT)
    factories.occurrence(db_session, call, due_on=date(2026, 5, 15), status=OccurrenceStatus.MISSED)
    factories.review(db_session, case.young_person, due_on=date(2026, 3, 1), held_on=date(2026, 3, 2))
    review = factories.review(
        db_session, case.young_person, due_on=date(2026, 6, 1), young_person_words="I want to see Nan more."
    )
    factories.snapshot(db_session, case.young_person, people=1, taking_part=0, taken_on=date(2025, 11, 1))
    factories.snapshot(db_session, case.young_person, occasion=SnapshotOccasion.CONFERENCE, people=9)
    factories.network_member(db_session, case.young_person, name="Rose")
    factories.network_member(db_session, case.young_person, name="Biscuit", kind=MemberKind.PET)
    factories.objective(db_session, case.young_person, text="see my sister")
    db_session.commit()
    db_session.expire_all()

    with count_queries(app.extensions["db"]) as queries:
        report = plan_health.review_report(db_session, review, TODAY)
    assert queries.count <= 8
    assert (report.since, report.until) == (date(2026, 3, 2), TODAY)
    row = report.record[call.id]
    assert (row.due, row.kept, row.missed, row.disputed) == (3, 1, 1, 1)
    assert (report.at_referral.people, report.at_referral.taking_part) == (1, 0)
    # Now: Nan (taking part) and Rose (not asked yet); never the dog.
    assert (report.now.people, report.now.taking_part) == (2, 1)
    assert report.review.young_person_words == "I want to see Nan more."


def test_a_held_review_reports_its_own_plan_and_the_count_taken_that_day(db_session, case):
    monthly_call(db_session, case)
    review = factories.review(
        db_session, case.young_person, due_on=date(2026, 4, 1), held_on=date(2026, 4, 2), plan_id=case.plan.id
    )
    factories.snapshot(
        db_session,
        case.young_person,
        occasion=SnapshotOccasion.REVIEW,
        people=7,
        taking_part=4,
        taken_on=date(2026, 4, 2),
    )
    case.plan.status = PlanStatus.SUPERSEDED
    db_session.commit()
    report = plan_health.review_report(db_session, review, TODAY)
    assert report.plan.id == case.plan.id
    assert (report.since, report.until) == (date(2026, 1, 10), date(2026, 4, 2))
    assert (report.now.people, report.now.taking_part) == (7, 4)
    assert report.at_referral is None


# 3. The weekly digest


def digests(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_birthday_passed_unconfirmed_is_in_the_coordinators_digest_with_first_names_only(
    app, db_session, organisation, coordinator
):
    jay = make_case(db_session, organisation, coordinator, name="Jay Smith-Brown")
    jay.young_person.placement_address = "12 Secret Road"
    jay.young_person.school = "Hidden Academy"
    factories.objective(db_session, jay.young_person, text="my private wish")
    factories.review(db_session, jay.young_person, young_person_words="my private words")
    jay.nan.remembered = "what I remember about Nan"
    call = birthday_call(db_session, jay)
    factories.occurrence(db_session, call, due_on=date(2026, 5, 14), window_ends_on=date(2026, 5, 15))
    db_session.commit()

    with app.app_context():
        assert send_digests(db_session, NOW, LINK) == 1
    db_session.commit()
    [message] = digests(db_session)
    assert (message.to_address, message.to_account_id) == (coordinator.email, coordinator.id)
    assert message.dedupe_key == f"digest:{coordinator.public_id}:2026-W21"
    assert message.young_person_id is None
    assert message.subject == "Lifelong Links: promises to follow up this week"
    assert "Jay: Birthday call with Nan, due 14 May 2026, was not confirmed." in message.body_text
    assert LINK in message.body_text
    for secret in ("Smith", "Brown", "Okafor", "Secret", "Hidden", "private", "remember"):
        assert secret not in message.body_text


def test_a_monthly_call_missed_once_is_quiet_and_missed_twice_is_a_lapse(app, db_session, case):
    call = monthly_call(db_session, case)
    factories.confirmed_occurrence(db_session, call, date(2026, 3, 15))
    factories.occurrence(db_session, call, due_on=date(2026, 5, 15), window_ends_on=date(2026, 5, 18))
    db_session.commit()
    with app.app_context():
        assert send_digests(db_session, NOW, LINK) == 0
    factories.occurrence(db_session, call, due_on=date(2026, 4, 15), status=OccurrenceStatus.MISSED)
    db_session.commit()
    with app.app_context():
        assert send_digests(db_session, NOW, LINK) == 1
    db_session.commit()
    [message] = digests(db_session)
    assert "Jay: Phone or video call with Nan was not confirmed the last two times" in message.body_text
    assert "(most recently due 15 May 2026)" in message.body_text


def test_moved_is_skipped_and_could_not_is_not_a_miss(app, db_session, organisation, coordinator, case):
    call = monthly_call(db_session, case)
    factories.occurrence(db_session, call, due_on=date(2026, 4, 15), status=OccurrenceStatus.MISSED)
    factories.occurrence(db_session, call, due_on=date(2026, 4, 30), status=OccurrenceStatus.MOVED)
    factories.occurrence(
        db_session,
        call,
        due_on=date(2026, 5, 15),
        status=OccurrenceStatus.MISSED,
        window_ends_on=date(2026, 5, 16),
    )
    sam = make_case(db_session, organisation, coordinator, name="Sam")
    sam_call = monthly_call(db_session, sam)
    factories.occurrence(db_session, sam_call, due_on=date(2026, 4, 15), status=OccurrenceStatus.COULD_NOT)
    factories.occurrence(
        db_session,
        sam_call,
        due_on=date(2026, 5, 15),
        status=OccurrenceStatus.MISSED,
        window_ends_on=date(2026, 5, 16),
    )
    db_session.commit()
    with app.app_context():
        found = plan_health.lapses(db_session, organisation, TODAY)
    assert [(lapse.young_person.chosen_name, lapse.twice) for lapse in found[coordinator]] == [("Jay", True)]


def test_nothing_is_sent_when_all_is_well_or_the_lapse_is_old_news(app, db_session, case, supporter_account):
    call = monthly_call(db_session, case)
    birthday = birthday_call(db_session, case)
    factories.confirmed_occurrence(db_session, call, date(2026, 4, 15), by=supporter_account)
    factories.confirmed_occurrence(db_session, call, date(2026, 5, 15), by=supporter_account, answer=DID_NOT)
    factories.confirmed_occurrence(db_session, birthday, date(2026, 5, 14), by=supporter_account)
    card = birthday_call(
        db_session,
        case,
        kind=CommitmentKind.CHRISTMAS_CARD,
        schedule=ScheduleKind.ONCE,
        starts_on=date(2026, 5, 1),
    )
    factories.occurrence(
        db_session,
        card,
        due_on=date(2026, 5, 1),
        status=OccurrenceStatus.MISSED,
        window_ends_on=date(2026, 5, 2),
    )  # missed, but told in an earlier week
    factories.occurrence(db_session, card, due_on=date(2026, 5, 19), window_ends_on=date(2026, 5, 25))  # open
    db_session.commit()
    with app.app_context():
        assert send_digests(db_session, NOW, LINK) == 0
    assert digests(db_session) == []


def test_a_young_person_who_paused_has_no_lapses(app, db_session, case):
    call = birthday_call(db_session, case)
    factories.occurrence(db_session, call, due_on=date(2026, 5, 14), status=OccurrenceStatus.MISSED)
    factories.consent_event(
        db_session, case.young_person, kind=ConsentKind.YOUNG_PERSON_AGREEMENT, decision=Decision.WITHDRAWN
    )
    db_session.commit()
    with app.app_context():
        assert send_digests(db_session, NOW, LINK) == 0


def test_the_digest_is_in_the_coordinators_language(app, db_session, organisation, coordinator, case):
    coordinator.language = "cy"
    factories.occurrence(
        db_session, birthday_call(db_session, case), due_on=date(2026, 5, 14), status=OccurrenceStatus.MISSED
    )
    db_session.commit()
    with app.app_context():
        send_digests(db_session, NOW, LINK)
        with app.test_request_context(), force_locale("cy"):
            subject = gettext("Lifelong Links: promises to follow up this week")
    db_session.commit()
    [message] = digests(db_session)
    assert message.subject == subject
    assert format_date(date(2026, 5, 14), "long", locale="cy") in message.body_text  # "14 Mai 2026"


def test_each_coordinator_gets_their_own_and_others_get_none(
    app, db_session, organisation, coordinator, case
):
    second = factories.account(db_session, role=Role.COORDINATOR, organisation=organisation)
    sam = make_case(db_session, organisation, second, name="Sam")
    quiet = factories.account(db_session, role=Role.COORDINATOR, organisation=organisation)
    make_case(db_session, organisation, quiet, name="Ali")
    for each in (case, sam):
        factories.occurrence(
            db_session,
            birthday_call(db_session, each),
            due_on=date(2026, 5, 14),
            status=OccurrenceStatus.MISSED,
        )
    db_session.commit()
    with app.app_context():
        assert send_digests(db_session, NOW, LINK) == 2
    db_session.commit()
    sent = {m.to_address: m.body_text for m in digests(db_session)}
    assert set(sent) == {coordinator.email, second.email}
    assert "Jay" in sent[coordinator.email] and "Sam" not in sent[coordinator.email]
    assert "Sam" in sent[second.email] and "Jay" not in sent[second.email]


def test_flask_digest_send_twice_in_a_week_sends_once(app, db_session, case):
    today = utcnow().date()
    factories.occurrence(
        db_session,
        birthday_call(db_session, case),
        due_on=today - timedelta(days=3),
        window_ends_on=today - timedelta(days=2),
    )
    db_session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["digest", "send"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "Queued 1 digest(s)."
    second = runner.invoke(args=["digest", "send"])
    assert second.exit_code == 0 and second.output.strip() == "Queued 0 digest(s)."
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
