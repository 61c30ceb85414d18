"""Reminders: the right day where the supporter is, once, in their words, and never after a withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain import one_tap, outbox, reminders
from app.models import (
    ConsentKind,
    Decision,
    Occurrence,
    OccurrenceStatus,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    PlanStatus,
    Role,
    utcnow,
)
from tests import factories

BIRTHDAY = date(2026, 3, 14)  # Sam's 16th; the commitment is a birthday call


@dataclass
class World:
    young_person: object
    plan: object
    commitment: object
    nan: object  # the supporter account
    nan_member: object


def make_world(db_session, **nan) -> World:
    organisation = factories.organisation(db_session, default_language="en")
    person = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Sam",
        legal_name="Samantha Jane Example",
        school="Oakfield High School",
        placement_address="1 Hidden Lane",
        date_of_birth=date(2010, 3, 14),
    )
    factories.consent_to_contact(db_session, person)  # parental responsibility and Sam's own yes
    nan.setdefault("display_name", "Nan")
    nan.setdefault("email", "nan@example.org")
    account = factories.account(db_session, role=Role.SUPPORTER, **nan)
    member = factories.agreed_supporter(db_session, person, name="Rose", account_id=account.id)
    plan = factories.plan(db_session, person, status=PlanStatus.ACTIVE)
    commitment = factories.commitment(db_session, plan, supporters=[member], description="Ring Sam")
    db_session.commit()
    return World(person, plan, commitment, account, member)


def add_supporter(db_session, world: World, **values):
    account = factories.account(db_session, role=Role.SUPPORTER, **values)
    member = factories.agreed_supporter(db_session, world.young_person, account_id=account.id)
    world.commitment.supporters.append(member)
    db_session.commit()
    return account


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def queued(db_session, channel=OutboxChannel.EMAIL) -> list[OutboxMessage]:
    db_session.expire_all()
    found = list(
        db_session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == channel).order_by(OutboxMessage.id)
        )
    )
    db_session.commit()
    return found


def test_a_supporter_is_reminded_three_days_before_and_on_the_day_by_default(app, db_session):
    world = make_world(db_session)

    for day in range(8, 16):
        reminders.run(app, at(date(2026, 3, day)))

    mails = queued(db_session)
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in mails] == ["3", "0"]
    assert {m.to_address for m in mails} == {"nan@example.org"}
    assert all(m.young_person_id == world.young_person.id for m in mails)


def test_the_day_is_counted_where_the_supporter_lives(app, db_session):
    world = make_world(db_session)  # Nan has no time zone of her own: Sam's (London) counts
    add_supporter(db_session, world, email="uncle@example.org", timezone="Pacific/Auckland")

    # 10 March, noon in London, is already 11 March, 1 a.m., in Auckland: 3 days before, there.
    reminders.run(app, at(date(2026, 3, 10)))
    assert [m.to_address for m in queued(db_session)] == ["uncle@example.org"]

    # 11 March, noon in London (3 days before) is the 12th in Auckland (2 days: not chosen).
    reminders.run(app, at(date(2026, 3, 11)))
    assert [m.to_address for m in queued(db_session)] == ["uncle@example.org", "nan@example.org"]

    # The birthday begins in Auckland while it is still the 13th in London.
    reminders.run(app, at(date(2026, 3, 13)))
    assert [m.to_address for m in queued(db_session)][-1] == "uncle@example.org"
    assert len(queued(db_session)) == 3


def test_running_twice_queues_each_reminder_once(app, db_session):
    make_world(db_session)

    first = reminders.run(app, at(date(2026, 3, 11)))
    second = reminders.run(app, at(date(2026, 3, 11), hour=18))

    assert first.emails == 1 and second.emails == 0
    assert len(queued(db_session)) == 1


def test_the_supporters_choices_decide(app, db_session):
    world = make_world(db_session)
    factories.reminder_settings(db_session, world.nan, by_email=True, by_push=False, days_before=[7, 1])
    quiet = add_supporter(db_session, world, email="quiet@example.org")
    factories.reminder_settings(db_session, quiet, by_email=False, by_push=False, days_before=[3, 0])
    db_session.commit()

    for day in range(5, 16):
        reminders.run(app, at(date(2026, 3, day)))

    assert [(m.to_address, m.dedupe_key.rsplit(":", 1)[1]) for m in queued(db_session)] == [
        ("nan@example.org", "7"),
        ("nan@example.org", "1"),
    ]


def test_a_withdrawal_stops_queued_reminders_at_once(app, db_session):
    world = make_world(db_session)
    reminders.run(app, at(date(2026, 3, 11)))
    [mail] = queued(db_session)

    factories.consent_event(
        db_session, world.young_person, kind=ConsentKind.YOUNG_PERSON_AGREEMENT, decision=Decision.WITHDRAWN
    )
    db_session.commit()

    assert outbox.claim(db_session, utcnow()) == []
    db_session.commit()
    assert queued(db_session)[0].status is OutboxStatus.CANCELLED
    # Nor are new ones queued while Sam has stopped.
    assert reminders.run(app, at(date(2026, 3, 14))).emails == 0
    assert [m.id for m in queued(db_session)] == [mail.id]


def test_no_reminder_for_a_supporter_sam_stopped_contact_with(app, db_session):
    world = make_world(db_session)
    factories.consent_event(
        db_session,
        world.young_person,
        kind=ConsentKind.CONTACT_PERSON,
        scope=f"member:{world.nan_member.public_id}",
        decision=Decision.WITHDRAWN,
    )
    db_session.commit()

    assert reminders.run(app, at(date(2026, 3, 11))).emails == 0


def test_the_e_mail_names_only_the_chosen_name_and_what_is_due(app, db_session):
    make_world(db_session)
    reminders.run(app, at(date(2026, 3, 11)))

    [mail] = queued(db_session)
    assert mail.subject == "Reminder: Birthday call for Sam"
    assert "Hello Nan," in mail.body_text
    assert "Birthday call for Sam: in 3 days, on Saturday, 14 March 2026." in mail.body_text
    assert "What you promised: Ring Sam" in mail.body_text
    assert "http://127.0.0.1:5000/done/" in mail.body_text
    for secret in ("Samantha", "Oakfield", "Hidden Lane", "Rose"):
        assert secret not in mail.body_text + mail.subject


def test_the_e_mail_is_in_the_supporters_language(app, db_session):
    make_world(db_session, language="cy")
    reminders.run(app, at(date(2026, 3, 14)))

    [mail] = queued(db_session)
    assert "Mawrth 2026" in mail.body_text  # the date, as Welsh writes it


def test_the_daily_run_adds_occurrences_and_closes_windows(app, db_session):
    world = make_world(db_session)
    late = factories.occurrence(
        db_session, world.commitment, date(2026, 2, 1), window_ends_on=date(2026, 2, 2)
    )
    db_session.commit()

    result = reminders.run(app, at(date(2026, 3, 11)))

    assert result.added >= 1 and result.closed == 1
    db_session.expire_all()
    assert db_session.get(Occurrence, late.id).status is OccurrenceStatus.MISSED
    assert db_session.scalar(
        select(Occurrence.id).where(
            Occurrence.commitment_id == world.commitment.id, Occurrence.due_on == BIRTHDAY
        )
    )
    db_session.commit()


def test_no_reminder_for_an_occurrence_already_done(app, db_session):
    world = make_world(db_session)
    occurrence = factories.occurrence(db_session, world.commitment, BIRTHDAY, status=OccurrenceStatus.KEPT)
    db_session.commit()

    reminders.run(app, at(BIRTHDAY))

    assert queued(db_session) == []
    assert occurrence.status is OccurrenceStatus.KEPT


def test_no_reminder_once_the_plan_is_superseded(app, db_session):
    world = make_world(db_session)
    world.plan.status = PlanStatus.SUPERSEDED
    db_session.commit()

    assert reminders.run(app, at(date(2026, 3, 11))).emails == 0


# The one-tap link


def one_tap_token(app, db_session, world, *, zone="Europe/London") -> tuple[str, Occurrence]:
    occurrence = factories.occurrence(
        db_session, world.commitment, BIRTHDAY, window_ends_on=date(2026, 3, 15)
    )
    db_session.commit()
    expires = one_tap.link_expires_at(occurrence, zone)
    return one_tap.token_for(app.config["SECRET_KEY"], occurrence, world.nan, expires), occurrence


def test_the_link_expires_at_the_end_of_the_window_where_the_supporter_is(app, db_session):
    world = make_world(db_session)
    token, occurrence = one_tap_token(app, db_session, world)
    secret = app.config["SECRET_KEY"]

    # Midnight at the end of 15 March in London is 16 March 00:00 GMT.
    assert one_tap.link_expires_at(occurrence, "Europe/London") == datetime(2026, 3, 16, tzinfo=UTC)
    assert one_tap.link_expires_at(occurrence, "Pacific/Auckland") == datetime(2026, 3, 15, 11, tzinfo=UTC)
    last_minute = datetime(2026, 3, 15, 23, 59, tzinfo=UTC)
    assert one_tap.look_up(db_session, secret, token, last_minute).state is one_tap.LinkState.LIVE
    midnight = datetime(2026, 3, 16, tzinfo=UTC)
    assert one_tap.look_up(db_session, secret, token, midnight).state is one_tap.LinkState.GONE


def test_the_link_works_once_and_only_for_its_own_occurrence(app, db_session):
    world = make_world(db_session)
    token, occurrence = one_tap_token(app, db_session, world)
    secret, now = app.config["SECRET_KEY"], at(BIRTHDAY)

    found, confirmation = one_tap.use(db_session, secret, token, now)
    db_session.commit()
    assert found.state is one_tap.LinkState.LIVE
    assert confirmation.occurrence_id == occurrence.id and confirmation.by_account_id == world.nan.id
    assert db_session.get(Occurrence, occurrence.id).status is OccurrenceStatus.KEPT

    again, nothing = one_tap.use(db_session, secret, token, now + timedelta(minutes=1))
    assert again.state is one_tap.LinkState.GONE and nothing is None
    db_session.rollback()
    # Another secret, or a changed token, is not ours at all.
    assert (
        one_tap.look_up(db_session, "another-secret-0123456789", token, now).state
        is one_tap.LinkState.UNKNOWN
    )
    assert one_tap.look_up(db_session, secret, token[:-2], now).state is one_tap.LinkState.UNKNOWN


@pytest.mark.parametrize("change", ["withdrawn", "disabled", "done_in_the_app"])
def test_the_link_stops_working_when_things_change(app, db_session, change):
    world = make_world(db_session)
    token, occurrence = one_tap_token(app, db_session, world)
    if change == "withdrawn":
        factories.consent_event(
            db_session,
            world.young_person,
            kind=ConsentKind.YOUNG_PERSON_AGREEMENT,
            decision=Decision.WITHDRAWN,
        )
    elif change == "disabled":
        world.nan.disabled_at = at(date(2026, 3, 1))
    else:
        occurrence.status = OccurrenceStatus.KEPT
    db_session.commit()

    found = one_tap.look_up(db_session, app.config["SECRET_KEY"], token, at(BIRTHDAY))
    assert found.state is one_tap.LinkState.GONE


def test_a_message_another_copy_queued_first_is_skipped_and_the_rest_still_commit(app, db_session):
    """The race two copies can run into: the UNIQUE dedupe key refuses the second, in a savepoint."""
    factories.outbox_message(db_session, dedupe_key="reminder:1:1:3")
    db_session.commit()

    lost = reminders._queue_once(
        db_session, outbox.queue_email, "a@example.org", "S", "B", dedupe_key="reminder:1:1:3"
    )
    won = reminders._queue_once(
        db_session, outbox.queue_email, "b@example.org", "S", "B", dedupe_key="reminder:1:1:0"
    )
    db_session.commit()

    assert (lost, won) == (False, True)
    assert sorted(m.dedupe_key for m in queued(db_session)) == ["reminder:1:1:0", "reminder:1:1:3"]


def test_the_push_command_says_when_web_push_is_off(app):
    result = app.test_cli_runner().invoke(args=["reminders", "push"])

    assert result.exit_code == 1
    assert "Web push is off" in result.output
