"""The calendar feed (app/domain/calendar_feed.py): the ICS text it writes, and what goes in it.

Jay (born 29 February 2012) is taking part; Nan rings Jay every fortnight and calls on Jay's birthday.
"Today" is Monday 11 May 2026. ``parse_ics`` below is a strict reader of our own: the web tests use it
too.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import calendar_feed
from app.domain.calendar_feed import Event, escape_text, fold, months_later, render
from app.models import (
    Account,
    CommitmentKind,
    CommitmentStatus,
    ConsentKind,
    Decision,
    LeapBirthday,
    OccurrenceStatus,
    PlanStatus,
    Role,
    ScheduleKind,
)
from tests import factories

TODAY = date(2026, 5, 11)
NOW = datetime(2026, 5, 11, 9, 30, tzinfo=UTC)
WELSH = "Siôn: Galwad pen-blwydd ŵyr a wyres, â chariad; dewch â'r teulu i gyd, ŷd a ŵy, " * 3
ARABIC = "جاي: مكالمة عيد الميلاد، مع كل الحب من الجدة؛ لا تنسَ الاتصال في الصباح الباكر " * 3


# A strict reader of what RFC 5545 allows, for the tests


class IcsError(AssertionError):
    pass


@dataclass
class Component:
    name: str
    properties: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[tuple[dict[str, str], str]]:
        return [(params, value) for prop, params, value in self.properties if prop == name]

    def one(self, name: str) -> tuple[dict[str, str], str]:
        found = self.all(name)
        if len(found) != 1:
            raise IcsError(f"{self.name} has {len(found)} {name}, expected exactly one")
        return found[0]

    def value(self, name: str) -> str:
        return self.one(name)[1]

    def text(self, name: str) -> str:
        return unescape(self.value(name))


TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION", "X-WR-CALNAME", "UID"}
_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"\x00-\x1f]*"|[^";:,\x00-\x1f]*)')


def unescape(value: str) -> str:
    """A TEXT value back to text; an unescaped ; or , or an unknown escape is an error."""
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            nxt = value[i + 1 : i + 2]
            if nxt in ("\\", ";", ","):
                out.append(nxt)
            elif nxt in ("n", "N"):
                out.append("\n")
            else:
                raise IcsError(f"bad escape \\{nxt} in {value!r}")
            i += 2
            continue
        if ch in ";,":
            raise IcsError(f"unescaped {ch!r} in TEXT {value!r}")
        out.append(ch)
        i += 1
    return "".join(out)


def physical_lines(body: bytes) -> list[bytes]:
    """Every line ends in CRLF, holds no other CR or LF, is at most 75 octets and is UTF-8 on its own."""
    if not body.endswith(b"\r\n"):
        raise IcsError("the file does not end with CRLF")
    lines = body[:-2].split(b"\r\n")
    for number, line in enumerate(lines, 1):
        if b"\r" in line or b"\n" in line:
            raise IcsError(f"line {number} has a bare CR or LF")
        if len(line) > 75:
            raise IcsError(f"line {number} is {len(line)} octets: {line!r}")
        try:
            line.decode("utf-8", errors="strict")
        except UnicodeDecodeError as error:
            raise IcsError(f"line {number} splits a character: {line!r}") from error
    return lines


def unfold(lines: list[bytes]) -> list[str]:
    logical: list[bytes] = []
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if not logical:
                raise IcsError("the first line is a continuation")
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [line.decode("utf-8") for line in logical]


def content_line(line: str) -> tuple[str, dict[str, str], str]:
    name = _NAME.match(line)
    if name is None:
        raise IcsError(f"no property name: {line!r}")
    rest, params = line[name.end() :], {}
    while rest.startswith(";"):
        param = _PARAM.match(rest)
        if param is None:
            raise IcsError(f"bad parameter in {line!r}")
        params[param.group(1).upper()] = param.group(2).strip('"')
        rest = rest[param.end() :]
    if not rest.startswith(":"):
        raise IcsError(f"no ':' after the name and parameters: {line!r}")
    value = rest[1:]
    if any((ord(ch) < 0x20 and ch != "\t") or ch == "\x7f" for ch in value):
        raise IcsError(f"control character in {line!r}")
    return name.group(0).upper(), params, value


def parse_ics(body: bytes) -> Component:
    """The VCALENDAR in ``body``, or IcsError saying what breaks the rules."""
    stack: list[Component] = []
    root: Component | None = None
    for line in unfold(physical_lines(body)):
        name, params, value = content_line(line)
        if name == "BEGIN":
            component = Component(value)
            if stack:
                stack[-1].children.append(component)
            elif root is not None:
                raise IcsError("more than one top-level component")
            else:
                root = component
            stack.append(component)
        elif name == "END":
            if not stack or stack[-1].name != value:
                raise IcsError(f"END:{value} does not close {stack[-1].name if stack else 'anything'}")
            stack.pop()
        elif not stack:
            raise IcsError(f"{name} outside any component")
        else:
            if name in TEXT_PROPERTIES:
                unescape(value)
            stack[-1].properties.append((name, params, value))
    if stack or root is None or root.name != "VCALENDAR":
        raise IcsError("the file is not one complete VCALENDAR")
    return root


def check_calendar(calendar: Component) -> list[Component]:
    """The calendar's own properties and each event's, as our feed must write them; returns the events."""
    assert calendar.value("VERSION") == "2.0"
    assert calendar.value("PRODID")
    assert calendar.value("CALSCALE") == "GREGORIAN"
    assert calendar.value("METHOD") == "PUBLISH"
    assert calendar.text("X-WR-CALNAME")
    events = calendar.children
    assert all(event.name == "VEVENT" for event in events)
    for event in events:
        assert re.fullmatch(r"[0-9a-f]{32}@[A-Za-z0-9.-]+", event.value("UID"))
        assert re.fullmatch(r"\d{8}T\d{6}Z", event.value("DTSTAMP"))
        start_params, start = event.one("DTSTART")
        end_params, end = event.one("DTEND")
        assert start_params == {"VALUE": "DATE"} and end_params == {"VALUE": "DATE"}
        assert ics_date(end) == ics_date(start) + timedelta(days=1)
        assert event.text("SUMMARY")
    assert len({event.value("UID") for event in events}) == len(events)
    return events


def ics_date(value: str) -> date:
    assert re.fullmatch(r"\d{8}", value), value
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


def lines_of(text: str) -> list[bytes]:
    return physical_lines((text + "\r\n").encode())


# Escaping


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Jay: Birthday call", "Jay: Birthday call"),
        ("Jo, Sam; and Al", "Jo\\, Sam\\; and Al"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("windows\r\nline", "windows\\nline"),
        ("old mac\rline", "old mac\\nline"),
        ("\\,;\n", "\\\\\\,\\;\\n"),
        ("bell\x07 and\x00 nul\x7f", "bell and nul"),
        ("tab\tstays", "tab\tstays"),
    ],
)
def test_text_is_escaped_as_rfc_5545_says(text, escaped):
    assert escape_text(text) == escaped


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))))
def test_escaped_text_reads_back_the_same(text):
    assert unescape(escape_text(text)) == text


# Folding


def test_a_short_line_is_left_alone():
    assert fold("SUMMARY:Jay: Birthday call") == "SUMMARY:Jay: Birthday call"
    line = "X" * 75
    assert fold(line) == line


def test_a_long_line_is_folded_at_75_octets_with_crlf_and_a_space():
    line = "DESCRIPTION:" + "a" * 200
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert [len(p.encode()) for p in pieces] == [75, 75, 1 + 212 - 75 - 74]
    assert all(p.startswith(" ") for p in pieces[1:])
    assert unfold(lines_of(folded)) == [line]


@pytest.mark.parametrize("summary", [WELSH, ARABIC, "🎂" * 40, "Zoë " + "ŵ" * 60 + " 🎉" * 10])
def test_welsh_arabic_and_emoji_are_folded_without_splitting_a_character(summary):
    line = "SUMMARY:" + escape_text(summary)
    folded = fold(line)
    physical = lines_of(folded)  # each at most 75 octets and valid UTF-8 on its own
    assert len(physical) > 1
    # As full as a line can be: the next character would not have fitted.
    for piece, following in itertools.pairwise(physical):
        first_char = following[1:].decode()[0]
        assert len(piece) + len(first_char.encode()) > 75
    assert unfold(physical) == [line]
    assert unescape(unfold(physical)[0].split(":", 1)[1]) == summary


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=400)
)
def test_any_line_folds_into_valid_short_lines_that_unfold_to_it(line):
    line = "SUMMARY:" + line
    assert unfold(lines_of(fold(line))) == [line]


# The whole file


def _events():
    return [
        Event(
            "a" * 32 + "@example.org", date(2026, 5, 25), "Jay: Phone or video call", "Say so: https://x/y"
        ),
        Event("b" * 32 + "@example.org", date(2027, 2, 28), WELSH),
        Event("c" * 32 + "@example.org", date(2026, 12, 31), ARABIC, "سطر\nسطر, ثاني; \\"),
    ]


def test_the_calendar_reads_back_strictly_with_every_rule_kept():
    body = render(_events(), name="Lifelong Links: what I promised", now=NOW, product="-//Test//EN").encode()
    calendar = parse_ics(body)
    events = check_calendar(calendar)
    assert calendar.text("X-WR-CALNAME") == "Lifelong Links: what I promised"
    assert [e.text("SUMMARY") for e in events] == ["Jay: Phone or video call", WELSH, ARABIC]
    assert events[2].text("DESCRIPTION") == "سطر\nسطر, ثاني; \\"
    assert events[1].value("DTSTART") == "20270228" and events[1].value("DTEND") == "20270301"
    assert events[2].value("DTEND") == "20270101"  # the next day, across a year's end
    assert {e.value("DTSTAMP") for e in events} == {"20260511T093000Z"}
    assert "DESCRIPTION" not in [name for name, _params, _value in events[1].properties]


def test_an_empty_calendar_is_still_a_valid_calendar():
    body = render([], name="Calendar", now=NOW, product="-//Test//EN").encode()
    assert check_calendar(parse_ics(body)) == []
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")


def test_the_strict_reader_refuses_what_breaks_the_rules():
    good = render(_events(), name="C", now=NOW, product="-//Test//EN").encode()
    broken = [
        good.replace(b"\r\n", b"\n"),  # LF only
        good + b"X-EXTRA:1",  # no CRLF at the end
        good.replace(b"SUMMARY:Jay: Phone", b"SUMMARY:Jay, Phone"),  # an unescaped comma
        good.replace(b"END:VEVENT", b"END:VTODO", 1),
        b"BEGIN:VCALENDAR\r\nSUMMARY:" + b"x" * 70 + b"\r\nEND:VCALENDAR\r\n",  # 78 octets
        b"BEGIN:VCALENDAR\r\nSUMMARY:" + "ŵ".encode() * 33 + b"\xc5\r\n \xb5\r\nEND:VCALENDAR\r\n",
    ]
    for body in broken:
        with pytest.raises(IcsError):
            parse_ics(body)


# Dates


@pytest.mark.parametrize(
    ("today", "end"),
    [
        (date(2026, 5, 11), date(2027, 5, 11)),
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2026, 12, 31), date(2027, 12, 31)),
    ],
)
def test_the_feed_covers_twelve_months_from_today_excluding_the_same_day_next_year(today, end):
    assert months_later(today) == end


def _commitment(**values):
    values = {
        "schedule": ScheduleKind.YEARLY_BIRTHDAY,
        "starts_on": None,
        "ends_on": None,
        "interval": None,
        "window_days_before": 0,
        "window_days_after": 0,
        **values,
    }
    return SimpleNamespace(**values)


def _person(born=date(2012, 2, 29), leap=LeapBirthday.FEB_28):
    return SimpleNamespace(date_of_birth=born, leap_birthday=leap)


def _days(commitment, person, today=TODAY, stored=None):
    return calendar_feed.due_days(commitment, person, today, months_later(today), stored)


@pytest.mark.parametrize(
    ("leap", "today", "expected"),
    [
        (LeapBirthday.FEB_28, TODAY, [date(2027, 2, 28)]),
        (LeapBirthday.MAR_1, TODAY, [date(2027, 3, 1)]),
        (LeapBirthday.FEB_28, date(2027, 6, 1), [date(2028, 2, 29)]),
        (LeapBirthday.MAR_1, date(2027, 6, 1), [date(2028, 2, 29)]),
        # Today is the birthday: it is in, and the same day next year is not.
        (LeapBirthday.FEB_28, date(2028, 2, 29), [date(2028, 2, 29)]),
        (LeapBirthday.FEB_28, date(2027, 2, 28), [date(2027, 2, 28)]),
        (LeapBirthday.MAR_1, date(2027, 3, 2), [date(2028, 2, 29)]),
    ],
)
def test_a_29_february_birthday_falls_where_the_young_person_chose(leap, today, expected):
    assert _days(_commitment(), _person(leap=leap), today) == expected


def test_an_ordinary_birthday_is_in_once_and_the_day_before_the_range_is_not():
    person = _person(born=date(2010, 5, 10))
    assert _days(_commitment(), person) == [date(2027, 5, 10)]
    person = _person(born=date(2010, 5, 11))
    assert _days(_commitment(), person) == [date(2026, 5, 11)]


def test_every_occurrence_of_twelve_months_and_none_after():
    fortnightly = _commitment(schedule=ScheduleKind.EVERY_N_WEEKS, interval=2, starts_on=date(2026, 1, 5))
    days = _days(fortnightly, _person())
    assert days[0] == date(2026, 5, 11) and days[-1] == date(2027, 5, 10)  # 364 days on
    assert len(days) == 27 and all((b - a).days == 14 for a, b in itertools.pairwise(days))
    monthly = _commitment(schedule=ScheduleKind.EVERY_N_MONTHS, interval=1, starts_on=date(2026, 1, 31))
    assert _days(monthly, _person())[:2] == [date(2026, 5, 31), date(2026, 6, 30)]
    assert len(_days(monthly, _person())) == 12
    ending = _commitment(
        schedule=ScheduleKind.EVERY_N_WEEKS, interval=1, starts_on=date(2026, 1, 5), ends_on=date(2026, 6, 1)
    )
    assert _days(ending, _person())[-1] == date(2026, 6, 1)
    christmas = _commitment(schedule=ScheduleKind.YEARLY_DATE, starts_on=date(2020, 12, 25))
    assert _days(christmas, _person()) == [date(2026, 12, 25)]
    over = _commitment(schedule=ScheduleKind.ONCE, starts_on=date(2026, 5, 10))
    assert _days(over, _person()) == []


def test_a_moved_day_shows_on_its_new_day_only():
    fortnightly = _commitment(schedule=ScheduleKind.EVERY_N_WEEKS, interval=2, starts_on=date(2026, 1, 5))
    stored = {
        date(2026, 5, 25): OccurrenceStatus.MOVED,
        date(2026, 5, 27): OccurrenceStatus.DUE,
        date(2026, 6, 8): OccurrenceStatus.KEPT,
        date(2027, 5, 11): OccurrenceStatus.DUE,  # outside the twelve months
    }
    days = _days(fortnightly, _person(), stored=stored)
    assert days[:3] == [date(2026, 5, 11), date(2026, 5, 27), date(2026, 6, 8)]
    assert date(2026, 5, 25) not in days and date(2027, 5, 11) not in days


def test_a_schedule_that_cannot_happen_has_no_days():
    assert _days(_commitment(schedule=ScheduleKind.ONCE), _person()) == []


# UIDs


def test_a_uid_is_the_same_on_every_fetch_and_different_for_each_day_commitment_and_supporter():
    nan, gran = SimpleNamespace(public_id="nan-account"), SimpleNamespace(public_id="gran-account")
    call, visit = SimpleNamespace(public_id="call-1"), SimpleNamespace(public_id="visit-1")
    uid = calendar_feed.uid(nan, call, date(2026, 5, 25), "example.org")
    assert uid == calendar_feed.uid(nan, call, date(2026, 5, 25), "example.org")
    others = {
        calendar_feed.uid(nan, call, date(2026, 6, 8), "example.org"),
        calendar_feed.uid(nan, visit, date(2026, 5, 25), "example.org"),
        calendar_feed.uid(gran, call, date(2026, 5, 25), "example.org"),
    }
    assert uid not in others and len(others) == 3
    assert uid.endswith("@example.org") and "nan" not in uid and "call" not in uid


# What goes in it, from the database


@pytest.fixture
def jay(db_session, organisation):
    jay = factories.young_person(
        db_session, organisation=organisation, chosen_name="Jay", date_of_birth=date(2012, 2, 29)
    )
    factories.consent_to_contact(db_session, jay)
    nan = factories.supporter_with_account(db_session, jay, name="Nan")
    plan = factories.plan(db_session, jay, status=PlanStatus.ACTIVE)
    factories.commitment(db_session, plan, supporters=[nan])  # birthday call
    factories.commitment(
        db_session,
        plan,
        supporters=[nan],
        kind=CommitmentKind.CALL,
        schedule=ScheduleKind.EVERY_N_WEEKS,
        interval=2,
        starts_on=date(2026, 1, 5),
    )
    db_session.commit()
    return SimpleNamespace(
        young_person=jay, nan=nan, plan=plan, account=db_session.get(Account, nan.account_id)
    )


def occasions(db_session, account, today=TODAY):
    return calendar_feed.occasions(db_session, account, today, "example.org")


def test_every_day_nan_promised_for_the_next_twelve_months_birthday_included(db_session, jay):
    found = occasions(db_session, jay.account)
    birthdays = [o for o in found if o.commitment.kind is CommitmentKind.BIRTHDAY_CALL]
    calls = [o for o in found if o.commitment.kind is CommitmentKind.CALL]
    assert [o.on for o in birthdays] == [date(2027, 2, 28)]
    assert len(calls) == 27
    assert {o.name for o in found} == {"Jay"}
    assert [o.on for o in found] == sorted(o.on for o in found)
    assert [o.uid for o in found] == [o.uid for o in occasions(db_session, jay.account)]


@pytest.mark.parametrize(
    ("kind", "decision", "scoped"),
    [
        (ConsentKind.YOUNG_PERSON_AGREEMENT, Decision.WITHDRAWN, False),
        (ConsentKind.CONTACT_PERSON, Decision.WITHDRAWN, True),
        (ConsentKind.SUPPORTER_PARTICIPATION, Decision.WITHDRAWN, True),
    ],
)
def test_a_withdrawal_empties_the_feed_at_once(db_session, jay, kind, decision, scoped):
    assert occasions(db_session, jay.account)
    scope = f"member:{jay.nan.public_id}" if scoped else ""
    factories.consent_event(db_session, jay.young_person, kind=kind, decision=decision, scope=scope)
    db_session.commit()
    assert occasions(db_session, jay.account) == []


def test_only_active_plans_live_commitments_and_open_cases(db_session, jay):
    draft = factories.plan(db_session, jay.young_person, version=2, status=PlanStatus.DRAFT)
    factories.commitment(db_session, draft, supporters=[jay.nan], kind=CommitmentKind.VISIT)
    ended = factories.commitment(
        db_session, jay.plan, supporters=[jay.nan], kind=CommitmentKind.LETTER, status=CommitmentStatus.ENDED
    )
    db_session.commit()
    kinds = {o.commitment.kind for o in occasions(db_session, jay.account)}
    assert kinds == {CommitmentKind.BIRTHDAY_CALL, CommitmentKind.CALL}
    assert ended.id not in {o.commitment.id for o in occasions(db_session, jay.account)}
    jay.plan.status = PlanStatus.SUPERSEDED
    db_session.commit()
    assert occasions(db_session, jay.account) == []


def test_a_closed_case_empties_the_feed(db_session, jay):
    jay.young_person.closed_at = NOW
    db_session.commit()
    assert occasions(db_session, jay.account) == []


def test_a_supporter_of_siblings_sees_both_and_a_commitment_without_them_is_not_theirs(
    db_session, jay, organisation
):
    sam = factories.young_person(db_session, organisation=organisation, chosen_name="Sam")
    factories.consent_to_contact(db_session, sam)
    nan_for_sam = factories.supporter_with_account(db_session, sam, supporter=jay.account, name="Nan")
    sams_plan = factories.plan(db_session, sam, status=PlanStatus.ACTIVE)
    factories.commitment(db_session, sams_plan, supporters=[nan_for_sam])
    other = factories.supporter_with_account(db_session, jay.young_person, name="Uncle Bo")
    factories.commitment(db_session, jay.plan, supporters=[other], kind=CommitmentKind.OUTING)
    db_session.commit()
    found = occasions(db_session, jay.account)
    assert {o.name for o in found} == {"Jay", "Sam"}
    assert CommitmentKind.OUTING not in {o.commitment.kind for o in found}
    bo = db_session.get(Account, other.account_id)
    assert {o.commitment.kind for o in occasions(db_session, bo)} == {CommitmentKind.OUTING}


# The address


def test_only_the_hash_is_kept_and_a_new_address_stops_the_old(db_session, jay):
    first = calendar_feed.create(db_session, jay.account, NOW)
    db_session.commit()
    feed = calendar_feed.find(db_session, first)
    assert feed is not None and feed.token_hash != first and first not in feed.token_hash
    second = calendar_feed.create(db_session, jay.account, NOW + timedelta(minutes=1))
    db_session.commit()
    assert calendar_feed.find(db_session, first) is None
    assert calendar_feed.find(db_session, second).id == calendar_feed.live_feed(db_session, jay.account).id
    assert calendar_feed.revoke(db_session, jay.account, NOW) == 1
    db_session.commit()
    assert calendar_feed.find(db_session, second) is None
    assert calendar_feed.live_feed(db_session, jay.account) is None
    assert calendar_feed.find(db_session, "") is None and calendar_feed.find(db_session, "x" * 500) is None


def test_a_disabled_account_or_one_that_is_no_longer_a_supporter_has_no_feed(db_session, jay):
    token = calendar_feed.create(db_session, jay.account, NOW)
    db_session.commit()
    jay.account.role = Role.YOUNG_PERSON
    db_session.commit()
    assert calendar_feed.find(db_session, token) is None
    jay.account.role = Role.SUPPORTER
    jay.account.disabled_at = NOW
    db_session.commit()
    assert calendar_feed.find(db_session, token) is None
