"""When commitments are due: examples of each schedule, its edges, and properties checked with hypothesis."""

import calendar
import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import schedules
from app.domain.schedules import Due, Schedule, ScheduleError, next_due, occurrences, today_in
from app.models import Commitment, LeapBirthday, ScheduleKind

D = date.fromisoformat
FEB_28, MAR_1 = LeapBirthday.FEB_28, LeapBirthday.MAR_1
ONCE, BIRTHDAY, YEARLY = ScheduleKind.ONCE, ScheduleKind.YEARLY_BIRTHDAY, ScheduleKind.YEARLY_DATE
WEEKS, MONTHS = ScheduleKind.EVERY_N_WEEKS, ScheduleKind.EVERY_N_MONTHS


def dues(schedule: Schedule, start: str, end: str, **person) -> list[str]:
    return [due.due_on.isoformat() for due in occurrences(schedule, D(start), D(end), **person)]


# --- building a schedule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": ONCE}, "needs a date"),
        ({"kind": YEARLY}, "needs the date"),
        ({"kind": WEEKS, "interval": 2}, "needs the date it starts"),
        ({"kind": MONTHS, "interval": 1}, "needs the date it starts"),
        ({"kind": WEEKS, "starts_on": D("2026-01-01")}, "from 1 to 52"),
        ({"kind": WEEKS, "starts_on": D("2026-01-01"), "interval": 0}, "from 1 to 52"),
        ({"kind": WEEKS, "starts_on": D("2026-01-01"), "interval": 53}, "from 1 to 52"),
        ({"kind": WEEKS, "starts_on": D("2026-01-01"), "interval": True}, "from 1 to 52"),
        ({"kind": MONTHS, "starts_on": D("2026-01-01"), "interval": 25}, "from 1 to 24"),
        ({"kind": MONTHS, "starts_on": D("2026-01-01"), "interval": 1.5}, "from 1 to 24"),
        ({"kind": ONCE, "starts_on": D("2026-05-02"), "ends_on": D("2026-05-01")}, "end date is before"),
        ({"kind": BIRTHDAY, "starts_on": D("2026-05-02"), "ends_on": D("2026-05-01")}, "end date is before"),
        ({"kind": BIRTHDAY, "window_days_before": -1}, "days before the due date"),
        ({"kind": BIRTHDAY, "window_days_after": 367}, "days after the due date"),
        ({"kind": "fortnightly"}, "Unknown kind"),
    ],
)
def test_impossible_schedules_are_refused_in_plain_words(arguments, message):
    with pytest.raises(ScheduleError, match=message):
        Schedule(**arguments)


def test_possible_schedules_at_the_limits():
    assert Schedule(BIRTHDAY).starts_on is None
    assert Schedule(WEEKS, D("2026-01-01"), interval=52).interval == 52
    assert Schedule(MONTHS, D("2026-01-01"), interval=24, window_days_before=366, window_days_after=366)
    assert Schedule(ONCE, D("2026-01-01"), D("2026-01-01"), interval=3)  # an unused interval is ignored
    assert Schedule("yearly_date", D("2025-12-25")).kind is YEARLY
    assert issubclass(ScheduleError, ValueError)


def test_a_commitments_schedule():
    commitment = Commitment(schedule=MONTHS, starts_on=D("2026-01-31"), interval=1)
    assert Schedule.from_commitment(commitment) == Schedule(MONTHS, D("2026-01-31"), interval=1)
    commitment = Commitment(
        schedule=ScheduleKind.YEARLY_BIRTHDAY,
        ends_on=D("2030-01-01"),
        window_days_before=1,
        window_days_after=2,
    )
    assert Schedule.from_commitment(commitment) == Schedule(BIRTHDAY, None, D("2030-01-01"), None, 1, 2)


# --- each kind of schedule -----------------------------------------------------------------------------


def test_once_is_due_on_its_date_only():
    once = Schedule(ONCE, D("2026-08-15"), window_days_after=6)
    assert occurrences(once, D("2026-01-01"), D("2026-12-31")) == [
        Due(D("2026-08-15"), D("2026-08-15"), D("2026-08-21"))
    ]
    assert dues(once, "2026-08-16", "2026-12-31") == []
    assert dues(once, "2026-08-15", "2026-08-15") == ["2026-08-15"]


def test_monthly_on_the_31st_falls_on_each_months_last_day():
    monthly = Schedule(MONTHS, D("2025-01-31"), interval=1)
    assert dues(monthly, "2025-01-01", "2025-06-30") == [
        "2025-01-31",
        "2025-02-28",
        "2025-03-31",  # counted from 31 January, not from 28 February
        "2025-04-30",
        "2025-05-31",
        "2025-06-30",
    ]
    assert dues(monthly, "2028-02-01", "2028-03-31") == ["2028-02-29", "2028-03-31"]


def test_every_three_months_from_the_30th():
    quarterly = Schedule(MONTHS, D("2024-11-30"), interval=3)
    assert dues(quarterly, "2025-01-01", "2025-12-31") == [
        "2025-02-28",
        "2025-05-30",
        "2025-08-30",
        "2025-11-30",
    ]


def test_every_two_weeks_keeps_the_weekday_through_the_clock_changes():
    fortnightly = Schedule(WEEKS, D("2026-03-02"), interval=2)
    assert dues(fortnightly, "2026-03-01", "2026-04-30") == [
        "2026-03-02",
        "2026-03-16",
        "2026-03-30",
        "2026-04-13",
        "2026-04-27",
    ]
    later = occurrences(fortnightly, D("2026-10-01"), D("2026-11-10"))
    assert [due.due_on.weekday() for due in later] == [calendar.MONDAY] * 3


def test_yearly_on_a_date():
    christmas = Schedule(YEARLY, D("2025-12-25"), window_days_before=7)
    assert occurrences(christmas, D("2024-01-01"), D("2027-12-31")) == [
        Due(D("2025-12-25"), D("2025-12-18"), D("2025-12-25")),
        Due(D("2026-12-25"), D("2026-12-18"), D("2026-12-25")),
        Due(D("2027-12-25"), D("2027-12-18"), D("2027-12-25")),
    ]


def test_yearly_on_29_february_falls_on_28_february_in_other_years():
    leap_day = Schedule(YEARLY, D("2024-02-29"))
    assert dues(leap_day, "2024-01-01", "2028-12-31") == [
        "2024-02-29",
        "2025-02-28",
        "2026-02-28",
        "2027-02-28",
        "2028-02-29",
    ]
    assert dues(leap_day, "2025-01-01", "2025-12-31", leap_birthday=MAR_1) == ["2025-02-28"]  # birthdays only


@pytest.mark.parametrize(("choice", "other_years"), [(FEB_28, "02-28"), (MAR_1, "03-01")])
def test_a_29_february_birthday_falls_where_the_young_person_chose(choice, other_years):
    birthday = Schedule(BIRTHDAY)
    found = dues(birthday, "2025-01-01", "2028-12-31", born=D("2008-02-29"), leap_birthday=choice)
    assert found == [f"2025-{other_years}", f"2026-{other_years}", f"2027-{other_years}", "2028-02-29"]


def test_birthdays_start_at_the_first_birthday_and_at_the_plans_start():
    born = D("2010-06-20")
    assert dues(Schedule(BIRTHDAY), "2000-01-01", "2012-12-31", born=born) == ["2011-06-20", "2012-06-20"]
    from_july = Schedule(BIRTHDAY, D("2026-07-01"), D("2028-06-19"))
    assert dues(from_july, "2026-01-01", "2030-12-31", born=born) == ["2027-06-20"]


def test_a_birthday_schedule_needs_the_date_of_birth():
    with pytest.raises(ScheduleError, match="date of birth"):
        occurrences(Schedule(BIRTHDAY), D("2026-01-01"), D("2026-12-31"))
    with pytest.raises(ScheduleError, match="date of birth"):
        next_due(Schedule(BIRTHDAY), D("2026-01-01"))


def test_nothing_is_due_after_the_end_or_in_an_empty_range():
    monthly = Schedule(MONTHS, D("2026-01-15"), D("2026-04-14"), interval=1)
    assert dues(monthly, "2025-01-01", "2030-12-31") == ["2026-01-15", "2026-02-15", "2026-03-15"]
    assert dues(monthly, "2026-03-01", "2026-02-01") == []
    assert next_due(monthly, D("2026-03-16")) is None


def test_next_due():
    visit = Schedule(MONTHS, D("2026-01-31"), interval=1, window_days_after=27)
    assert next_due(visit, D("2020-01-01")) == Due(D("2026-01-31"), D("2026-01-31"), D("2026-02-27"))
    assert next_due(visit, D("2026-02-01")) == Due(D("2026-02-28"), D("2026-02-28"), D("2026-03-27"))
    assert next_due(visit, D("2026-02-28")).due_on == D("2026-02-28")
    assert next_due(Schedule(ONCE, D("2026-05-01")), D("2026-05-02")) is None
    birthday = next_due(Schedule(BIRTHDAY), D("2026-03-02"), born=D("2012-02-29"), leap_birthday=MAR_1)
    assert birthday.due_on == D("2027-03-01")


def test_next_due_is_worked_out_not_walked_to(monkeypatch):
    looked_at = []
    nth = schedules._nth
    monkeypatch.setattr(schedules, "_nth", lambda *args: looked_at.append(args[1]) or nth(*args))
    weekly = Schedule(WEEKS, D("2000-01-03"), interval=1)
    monday = next_due(weekly, D("9000-01-01")).due_on
    assert monday.weekday() == calendar.MONDAY and D("9000-01-01") <= monday < D("9000-01-08")
    monthly = Schedule(MONTHS, D("2000-01-31"), interval=7)
    assert next_due(monthly, D("8000-03-01")).due_on.year == 8000
    assert len(looked_at) <= 4


def test_the_end_of_the_calendar_is_not_an_error():
    weekly = Schedule(WEEKS, D("9999-12-01"), interval=1, window_days_after=30, window_days_before=366)
    found = occurrences(weekly, D("9999-12-01"), date.max)
    assert [due.due_on.day for due in found] == [1, 8, 15, 22, 29]
    assert found[-1].window_ends_on == date.max
    assert next_due(weekly, D("9999-12-30")) is None
    assert (
        occurrences(Schedule(ONCE, date.min, window_days_before=5), date.min, date.min)[0].window_starts_on
        == date.min
    )
    assert dues(Schedule(BIRTHDAY), "9998-01-01", "9999-12-31", born=D("9998-05-05")) == ["9999-05-05"]


# --- today, where the young person lives ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "utc", "today"),
    [
        # Spring forward: at 01:00 UTC on 29 March 2026 London goes from 01:00 GMT to 02:00 BST.
        ("Europe/London", "2026-03-28T23:30", "2026-03-28"),
        ("Europe/London", "2026-03-29T00:30", "2026-03-29"),
        ("Europe/London", "2026-03-29T01:30", "2026-03-29"),
        ("Europe/London", "2026-03-29T22:59", "2026-03-29"),
        ("Europe/London", "2026-03-29T23:00", "2026-03-30"),  # midnight BST
        # Fall back: at 01:00 UTC on 25 October 2026 London goes from 02:00 BST to 01:00 GMT.
        ("Europe/London", "2026-10-24T22:59", "2026-10-24"),
        ("Europe/London", "2026-10-24T23:00", "2026-10-25"),  # midnight BST
        ("Europe/London", "2026-10-25T00:30", "2026-10-25"),  # 01:30 BST
        ("Europe/London", "2026-10-25T01:30", "2026-10-25"),  # 01:30 GMT, the second time
        ("Europe/London", "2026-10-25T23:59", "2026-10-25"),
        ("Europe/London", "2026-10-26T00:00", "2026-10-26"),
        # Far from UTC: Kiritimati is 14 hours ahead, Pago Pago 11 behind.
        ("Pacific/Kiritimati", "2026-12-31T09:59", "2026-12-31"),
        ("Pacific/Kiritimati", "2026-12-31T10:00", "2027-01-01"),
        ("Pacific/Pago_Pago", "2027-01-01T10:59", "2026-12-31"),
        # Auckland's summer time ends on 5 April 2026 (03:00 NZDT → 02:00 NZST).
        ("Pacific/Auckland", "2026-04-04T11:00", "2026-04-05"),
        ("Pacific/Auckland", "2026-04-05T11:59", "2026-04-05"),
        ("Pacific/Auckland", "2026-04-05T12:00", "2026-04-06"),
        # Unknown or missing zones count as London.
        ("Mars/Olympus_Mons", "2026-07-01T23:30", "2026-07-02"),
        ("../../etc/passwd", "2026-07-01T23:30", "2026-07-02"),
        ("", "2026-07-01T23:30", "2026-07-02"),
        (None, "2026-07-01T23:30", "2026-07-02"),
    ],
)
def test_today_is_the_date_where_the_young_person_lives(zone, utc, today):
    assert today_in(zone, datetime.fromisoformat(utc).replace(tzinfo=UTC)) == D(today)


def test_today_needs_to_know_when_now_is():
    ahead = timezone(timedelta(hours=5))
    assert today_in("Europe/London", datetime(2026, 1, 1, 4, 0, tzinfo=ahead)) == D("2025-12-31")
    with pytest.raises(ValueError, match="aware"):
        today_in("Europe/London", datetime(2026, 1, 1, 12, 0))


def test_a_birthday_is_due_on_the_day_where_the_young_person_lives():
    born, birthday = D("2010-01-01"), Schedule(BIRTHDAY)
    now = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)  # midnight in Kiritimati, 10 in the morning in London
    in_kiritimati, in_london = today_in("Pacific/Kiritimati", now), today_in("Europe/London", now)
    assert next_due(birthday, in_kiritimati, born=born).due_on == in_kiritimati == D("2027-01-01")
    assert next_due(birthday, in_london, born=born).due_on == in_london + timedelta(days=1)


# --- properties ----------------------------------------------------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None)
DAYS = st.dates(date(1990, 1, 1), date(2060, 12, 31))
LEAP_DAYS = st.sampled_from([date(year, 2, 29) for year in range(1992, 2060, 4)])
BIRTHS = DAYS | LEAP_DAYS
CHOICES = st.sampled_from(list(LeapBirthday))
SPANS = st.integers(0, 8 * 366)
WINDOWS = st.integers(0, 366)


@st.composite
def schedule_of(draw, kind: ScheduleKind) -> Schedule:
    starts_on = draw(BIRTHS) if kind is not BIRTHDAY else draw(st.none() | BIRTHS)
    if starts_on is None:
        ends_on = draw(st.none() | DAYS)
    else:
        ends_on = draw(st.none() | SPANS.map(lambda days: starts_on + timedelta(days=days)))
    interval = {WEEKS: draw(st.integers(1, 52)), MONTHS: draw(st.integers(1, 24))}.get(kind)
    return Schedule(kind, starts_on, ends_on, interval, draw(WINDOWS), draw(WINDOWS))


ANY_SCHEDULE = st.sampled_from(list(ScheduleKind)).flatmap(schedule_of)


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


@PROPERTY
@given(schedule=ANY_SCHEDULE, born=BIRTHS, choice=CHOICES, start=DAYS, span=SPANS)
def test_occurrences_are_in_order_once_each_and_inside_every_bound(schedule, born, choice, start, span):
    end = start + timedelta(days=span)
    found = occurrences(schedule, start, end, born=born, leap_birthday=choice)
    days = [due.due_on for due in found]
    assert days == sorted(set(days))
    assert all(start <= day <= end for day in days)
    assert all(schedule.starts_on <= day for day in days) if schedule.starts_on else True
    assert all(day <= schedule.ends_on for day in days) if schedule.ends_on else True
    assert all(born < day for day in days) if schedule.kind is BIRTHDAY else True
    for due in found:
        assert due.window_starts_on == due.due_on - timedelta(days=schedule.window_days_before)
        assert due.window_ends_on == due.due_on + timedelta(days=schedule.window_days_after)


@PROPERTY
@given(schedule=schedule_of(MONTHS), start=DAYS, span=SPANS)
def test_monthly_is_due_on_the_start_day_or_the_months_last_day(schedule, start, span):
    end = start + timedelta(days=span)
    low = max(start, schedule.starts_on)
    high = min(end, schedule.ends_on) if schedule.ends_on else end
    expected = []
    for month in range(0, months_between(schedule.starts_on, high) + 1, schedule.interval):
        year, month0 = divmod(schedule.starts_on.year * 12 + schedule.starts_on.month - 1 + month, 12)
        day = min(schedule.starts_on.day, calendar.monthrange(year, month0 + 1)[1])
        if low <= date(year, month0 + 1, day) <= high:
            expected.append(date(year, month0 + 1, day))
    assert [due.due_on for due in occurrences(schedule, start, end)] == expected


@PROPERTY
@given(schedule=schedule_of(WEEKS), start=DAYS, span=SPANS)
def test_weekly_is_exactly_n_weeks_apart(schedule, start, span):
    end = start + timedelta(days=span)
    step = timedelta(weeks=schedule.interval)
    days = [due.due_on for due in occurrences(schedule, start, end)]
    assert all(later - earlier == step for earlier, later in itertools.pairwise(days))
    assert all((day - schedule.starts_on) % step == timedelta(0) for day in days)
    low = max(start, schedule.starts_on)
    high = min(end, schedule.ends_on) if schedule.ends_on else end
    if days:  # nothing missed at either end
        assert days[0] - step < low and days[-1] + step > high
    else:
        first = schedule.starts_on + step * -((schedule.starts_on - low) // step)
        assert first > high


@PROPERTY
@given(born=BIRTHS, choice=CHOICES, first_year=st.integers(1985, 2060), years=st.integers(0, 12))
def test_a_birthday_once_in_every_year_after_birth(born, choice, first_year, years):
    last_year = first_year + years
    found = occurrences(
        Schedule(BIRTHDAY), date(first_year, 1, 1), date(last_year, 12, 31), born=born, leap_birthday=choice
    )
    assert [due.due_on.year for due in found] == list(range(max(first_year, born.year + 1), last_year + 1))
    for due in found:
        if (born.month, born.day) != (2, 29) or calendar.isleap(due.due_on.year):
            assert (due.due_on.month, due.due_on.day) == (born.month, born.day)
        else:
            assert due.due_on == (
                date(due.due_on.year, 3, 1) if choice is MAR_1 else date(due.due_on.year, 2, 28)
            )


@PROPERTY
@given(schedule=ANY_SCHEDULE, born=BIRTHS, choice=CHOICES, start=DAYS, first=SPANS, second=SPANS)
def test_a_range_split_in_two_has_the_same_occurrences(schedule, born, choice, start, first, second):
    middle = start + timedelta(days=first)
    end = middle + timedelta(days=second)
    person = {"born": born, "leap_birthday": choice}
    whole = occurrences(schedule, start, end, **person)
    halves = occurrences(schedule, start, middle, **person) + occurrences(
        schedule, middle + timedelta(days=1), end, **person
    )
    assert halves == whole


@PROPERTY
@given(schedule=ANY_SCHEDULE, born=BIRTHS, choice=CHOICES, on=DAYS)
def test_next_due_is_the_first_occurrence_from_that_day(schedule, born, choice, on):
    person = {"born": born, "leap_birthday": choice}
    # Nothing is ever more than two years apart, so a little more than two years after everything has
    # started is far enough to look.
    horizon = max(on, born, schedule.starts_on or on) + timedelta(days=2 * 366 + 1)
    found = occurrences(schedule, on, horizon, **person)
    assert next_due(schedule, on, **person) == (found[0] if found else None)
