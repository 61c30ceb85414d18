"""When a support-plan commitment is due: its schedule's occurrences between two dates (plain Python).

Everything here is a calendar date in the young person's own time zone (Europe/London unless they live
elsewhere). Turn "now" into today's date once, with ``today_in(timezone, now)``, and count in whole days
from there: a clock going forward or back for summer time never moves a due date.

The schedules (``ScheduleKind``):

* **once**: on ``starts_on`` only.
* **every year on the young person's birthday**: from their first birthday (the day they were born is not
  a birthday), and from ``starts_on`` when the plan gives one. A 29 February birthday falls on 28 February
  in years without one, or on 1 March if that is what the young person chose (``LeapBirthday.MAR_1``).
* **every year on a date**: the month and day of ``starts_on``, every year from ``starts_on``. A
  29 February date falls on 28 February in years without one.
* **every N months**: the day of the month of ``starts_on``, every N months counted from ``starts_on``
  itself (not from the previous, shortened month). A day the month does not have falls on its last day:
  monthly from 31 January is due on 28 (or 29) February, 31 March, 30 April, 31 May...
* **every N weeks**: every 7×N days from ``starts_on``.

Nothing is due after ``ends_on``. Each due date has a window in which it counts as on time: from
``window_days_before`` days before to ``window_days_after`` days after it.

Due dates are computed by arithmetic, never by walking day by day, so asking for the next one after a date
years away costs the same as asking for tomorrow's.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.models.people import LeapBirthday
from app.models.plans import Commitment, ScheduleKind

__all__ = [
    "DEFAULT_TIMEZONE",
    "Due",
    "Schedule",
    "ScheduleError",
    "next_due",
    "occurrences",
    "today_in",
]

DEFAULT_TIMEZONE = "Europe/London"
MAX_WEEKS = 52
MAX_MONTHS = 24
MAX_WINDOW_DAYS = 366
NEEDS_START = {
    ScheduleKind.ONCE: "A one-off commitment needs a date.",
    ScheduleKind.YEARLY_DATE: "A yearly commitment needs the date it happens on.",
    ScheduleKind.EVERY_N_WEEKS: "A commitment every few weeks needs the date it starts.",
    ScheduleKind.EVERY_N_MONTHS: "A commitment every few months needs the date it starts.",
}
INTERVAL_LIMITS = {
    ScheduleKind.EVERY_N_WEEKS: ("weeks", MAX_WEEKS),
    ScheduleKind.EVERY_N_MONTHS: ("months", MAX_MONTHS),
}


class ScheduleError(ValueError):
    """A schedule that cannot happen, with a message a coordinator can act on (in English) and a
    ``code`` the web layer words in the reader's language."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


class Due(NamedTuple):
    """One due date and the window (both ends included) in which it counts as on time."""

    due_on: date
    window_starts_on: date
    window_ends_on: date


@dataclass(frozen=True)
class Schedule:
    """How often a commitment is due; ``interval`` is the N of "every N weeks or months", else unused."""

    kind: ScheduleKind
    starts_on: date | None = None
    ends_on: date | None = None
    interval: int | None = None
    window_days_before: int = 0
    window_days_after: int = 0

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", ScheduleKind(self.kind))
        except ValueError:
            raise ScheduleError(f"Unknown kind of schedule: {self.kind!r}.") from None
        _check_dates(self)
        _check_interval(self)
        _check_window(self.window_days_before, "before")
        _check_window(self.window_days_after, "after")

    @classmethod
    def from_commitment(cls, commitment: Commitment) -> Schedule:
        """The schedule of a plan's commitment (an unsaved one may not have its window defaults yet)."""
        return cls(
            kind=commitment.schedule,
            starts_on=commitment.starts_on,
            ends_on=commitment.ends_on,
            interval=commitment.interval,
            window_days_before=commitment.window_days_before or 0,
            window_days_after=commitment.window_days_after or 0,
        )


def _check_dates(schedule: Schedule) -> None:
    if schedule.starts_on is None and schedule.kind in NEEDS_START:
        raise ScheduleError(NEEDS_START[schedule.kind], "needs_start")
    if (
        schedule.starts_on is not None
        and schedule.ends_on is not None
        and schedule.ends_on < schedule.starts_on
    ):
        raise ScheduleError("The end date is before the start date.", "ends_before_start")


def _check_interval(schedule: Schedule) -> None:
    if schedule.kind not in INTERVAL_LIMITS:
        return
    unit, most = INTERVAL_LIMITS[schedule.kind]
    n = schedule.interval
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= most:
        raise ScheduleError(f"Choose how many {unit} apart: a whole number from 1 to {most}.", "interval")


def _check_window(days: int, side: str) -> None:
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_WINDOW_DAYS:
        raise ScheduleError(
            f"The days {side} the due date must be a whole number from 0 to {MAX_WINDOW_DAYS}.", "window"
        )


def occurrences(
    schedule: Schedule,
    start: date,
    end: date,
    *,
    born: date | None = None,
    leap_birthday: LeapBirthday = LeapBirthday.FEB_28,
) -> list[Due]:
    """Every time the schedule is due from ``start`` to ``end`` (both included), earliest first.

    ``born`` (the young person's date of birth) is needed for birthday schedules, and ``leap_birthday``
    says where a 29 February birthday falls in other years.
    """
    low, high = _bounds(schedule, start, end)
    dues = _due_dates(schedule, low, born, leap_birthday)
    return [_with_window(schedule, day) for day in itertools.takewhile(lambda day: day <= high, dues)]


def next_due(
    schedule: Schedule,
    on: date,
    *,
    born: date | None = None,
    leap_birthday: LeapBirthday = LeapBirthday.FEB_28,
) -> Due | None:
    """The first time the schedule is due on or after ``on``, or None when it is never due again."""
    low, high = _bounds(schedule, on, date.max)
    day = next(_due_dates(schedule, low, born, leap_birthday), None)
    return _with_window(schedule, day) if day is not None and day <= high else None


def today_in(timezone: str | None, now: datetime) -> date:
    """Today's date where the young person lives; an unknown time zone counts as Europe/London.

    ``now`` must be time-zone aware (for example ``datetime.now(UTC)``): a naive time could be anywhere.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a time-zone aware datetime")
    return now.astimezone(_zone(timezone)).date()


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def _bounds(schedule: Schedule, start: date, end: date) -> tuple[date, date]:
    """The dates asked for, narrowed to the schedule's own start and end."""
    low = max(start, schedule.starts_on) if schedule.starts_on else start
    high = min(end, schedule.ends_on) if schedule.ends_on else end
    return low, high


def _with_window(schedule: Schedule, day: date) -> Due:
    return Due(day, _shift(day, -schedule.window_days_before), _shift(day, schedule.window_days_after))


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, stopping at the first or last date the calendar can hold."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


def _due_dates(schedule: Schedule, low: date, born: date | None, leap: LeapBirthday) -> Iterator[date]:
    """The schedule's due dates from ``low`` on, in order, until the calendar runs out.

    Each kind numbers its due dates 0, 1, 2... (``_nth``); ``_first_index`` jumps straight to one at most
    a step or two before ``low``, so no date is walked through one by one.
    """
    if schedule.kind is ScheduleKind.YEARLY_BIRTHDAY and born is None:
        raise ScheduleError("A birthday schedule needs the young person's date of birth.", "needs_birthday")
    for index in itertools.count(_first_index(schedule, low, born)):
        day = _nth(schedule, index, born, leap)
        if day is None:
            return
        if day >= low:
            yield day


def _nth(schedule: Schedule, index: int, born: date | None, leap: LeapBirthday) -> date | None:
    """The schedule's due date number ``index`` (from 0), or None past its last one."""
    start = schedule.starts_on
    match schedule.kind:
        case ScheduleKind.YEARLY_BIRTHDAY:
            assert born is not None
            return _yearly(born, born.year + 1 + index, leap)
        case ScheduleKind.YEARLY_DATE:
            assert start is not None
            return _yearly(start, start.year + index, LeapBirthday.FEB_28)
        case ScheduleKind.EVERY_N_MONTHS:
            assert start is not None and schedule.interval is not None
            return _add_months(start, schedule.interval * index)
        case ScheduleKind.EVERY_N_WEEKS:
            assert start is not None and schedule.interval is not None
            return _add_days(start, 7 * schedule.interval * index)
        case _:
            assert start is not None
            return start if index == 0 else None


def _first_index(schedule: Schedule, low: date, born: date | None) -> int:
    """A due date's number that is no later than ``low``'s, with every earlier due date before ``low``."""
    start = schedule.starts_on
    match schedule.kind:
        case ScheduleKind.YEARLY_BIRTHDAY:
            assert born is not None
            return max(0, low.year - born.year - 1)
        case ScheduleKind.YEARLY_DATE:
            assert start is not None
            return max(0, low.year - start.year)
        case ScheduleKind.EVERY_N_MONTHS:
            assert start is not None and schedule.interval is not None
            months = (low.year - start.year) * 12 + low.month - start.month
            return max(0, months // schedule.interval)
        case ScheduleKind.EVERY_N_WEEKS:
            assert start is not None and schedule.interval is not None
            return max(0, (low - start).days // (7 * schedule.interval))
        case _:
            return 0


def _add_months(day: date, months: int) -> date | None:
    """The same day of the month ``months`` later, or the month's last day when it is shorter."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not MINYEAR <= year <= MAXYEAR:
        return None
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last_day))


def _yearly(day: date, year: int, leap: LeapBirthday) -> date | None:
    """``day``'s month and day in ``year``; 29 February moves to 28 February or 1 March (``leap``)."""
    if not MINYEAR <= year <= MAXYEAR:
        return None
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 3, 1) if leap is LeapBirthday.MAR_1 else date(year, 2, 28)
    return date(year, day.month, day.day)


def _add_days(day: date, days: int) -> date | None:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def add_working_days(start: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``start``; bank holidays are not known here."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current
