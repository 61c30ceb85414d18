"""A plan's commitments in one line a young person understands, in the current language.

"Nan will call you on your birthday, every year." The staff's own description is shown under it.
Call inside an app or request context.
"""

from __future__ import annotations

from babel.lists import format_list
from flask_babel import format_date, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.models import Commitment, CommitmentKind, ScheduleKind


def names(commitment: Commitment, for_young_person: bool = False) -> str:
    """Who: for the young person, without anyone the coordinator decided not to show them."""
    members = [
        m
        for m in commitment.supporters
        if not (for_young_person and m.do_not_contact and not m.shown_to_young_person)
    ]
    if not members:
        return gettext("Someone")
    return format_list([member.name for member in members], locale=str(get_locale() or "en"))


def when_words(commitment: Commitment) -> str:
    schedule, every = commitment.schedule, commitment.interval or 1
    if schedule is ScheduleKind.YEARLY_BIRTHDAY:
        return gettext("on your birthday, every year")
    if schedule is ScheduleKind.YEARLY_DATE and commitment.starts_on:
        return gettext("every year on %(day)s", day=format_date(commitment.starts_on, "d MMMM"))
    if schedule is ScheduleKind.EVERY_N_WEEKS:
        return ngettext("every week", "every %(num)d weeks", every)
    if schedule is ScheduleKind.EVERY_N_MONTHS:
        return ngettext("every month", "every %(num)d months", every)
    if commitment.starts_on:
        return gettext("on %(date)s", date=format_date(commitment.starts_on, "long"))
    return ""


def sentence(commitment: Commitment, for_young_person: bool = False) -> str:
    who, when = names(commitment, for_young_person), when_words(commitment)
    words = {
        CommitmentKind.BIRTHDAY_CALL: lambda: gettext("%(who)s will call you %(when)s.", who=who, when=when),
        CommitmentKind.BIRTHDAY_CARD: lambda: gettext(
            "%(who)s will send you a birthday card %(when)s.", who=who, when=when
        ),
        CommitmentKind.CHRISTMAS_CARD: lambda: gettext(
            "%(who)s will send you a Christmas card %(when)s.", who=who, when=when
        ),
        CommitmentKind.VISIT: lambda: gettext("%(who)s will visit you %(when)s.", who=who, when=when),
        CommitmentKind.CALL: lambda: gettext(
            "%(who)s will call or video-call you %(when)s.", who=who, when=when
        ),
        CommitmentKind.OUTING: lambda: gettext("%(who)s will take you out %(when)s.", who=who, when=when),
        CommitmentKind.HOLIDAY: lambda: gettext(
            "%(who)s will go on holiday with you %(when)s.", who=who, when=when
        ),
        CommitmentKind.FAMILY_EVENT: lambda: gettext(
            "%(who)s will invite you to a family event %(when)s.", who=who, when=when
        ),
        CommitmentKind.WORK_EXPERIENCE: lambda: gettext(
            "%(who)s will help you find work experience %(when)s.", who=who, when=when
        ),
        CommitmentKind.LETTER: lambda: gettext("%(who)s will write to you %(when)s.", who=who, when=when),
    }
    default = lambda: gettext("%(who)s will keep in touch %(when)s.", who=who, when=when)  # noqa: E731
    return words.get(commitment.kind, default)()


KIND_LABELS = {
    CommitmentKind.BIRTHDAY_CALL: _l("Birthday call"),
    CommitmentKind.BIRTHDAY_CARD: _l("Birthday card"),
    CommitmentKind.CHRISTMAS_CARD: _l("Christmas card"),
    CommitmentKind.VISIT: _l("Visit"),
    CommitmentKind.CALL: _l("Phone or video call"),
    CommitmentKind.OUTING: _l("Outing"),
    CommitmentKind.HOLIDAY: _l("Holiday"),
    CommitmentKind.FAMILY_EVENT: _l("Family event invitation"),
    CommitmentKind.WORK_EXPERIENCE: _l("Work experience"),
    CommitmentKind.LETTER: _l("Letter"),
    CommitmentKind.OTHER: _l("Other"),
}


def kind_label(commitment: Commitment) -> str:
    return str(KIND_LABELS[commitment.kind])
