"""Who a council's Lifelong Links service is for: the policy engine (plain Python, no Flask).

Each organisation's rule is data (a TOML file, see ``app/domain/eligibility_policy.py`` and
``policies/``); ``check(policy, facts)`` answers ``eligible``, ``not_eligible`` or ``conversation``
with reasons and signposts as codes with values, so the web layer can word them in any language
(English words: ``app/eligibility_words.py``).

How ages and times are counted (exactly, on the day of the check):

* Someone reaches "Y years and M months" on ``reaches(born, Y, M)``: the same day of the month,
  12×Y+M months after they were born. When that month is too short, the date is clamped to the
  month's last day (born 31 May → 9 months old on 28 February, or 29 in a leap year).
* One exception, as in English law: a 29 February birthday falls on **1 March** in a year without a
  29 February, so someone born on 29 February 2008 turns 17 on 1 March 2025 (not 28 February).
  Month ages still clamp (born 29 February 2008 → 15 years 11 months on 29 January 2024).
* "Under 16" means ``on < reaches(born, 16)``: on their 16th birthday they are no longer under 16.
* "In care for less than three years" means ``on < reaches(in_care_since, 3)``: on the day exactly
  three years after coming into care it is no longer less than three years.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from app.domain.eligibility_policy import (
    LEGAL_STATUSES,
    PLANS,
    Age,
    Policy,
    PolicyError,
    Route,
    load_policy,
    parse_policy,
)

__all__ = [
    "Age",
    "Facts",
    "Policy",
    "PolicyError",
    "Reason",
    "Result",
    "Route",
    "age_on",
    "check",
    "load_policy",
    "parse_policy",
    "reaches",
]

ELIGIBLE, NOT_ELIGIBLE, CONVERSATION = "eligible", "not_eligible", "conversation"


class Reason(NamedTuple):
    """Why: a code and the values its words need, e.g. ``("too_young", {"years": 15, "months": 9})``."""

    code: str
    values: dict[str, Any] = {}


@dataclass(frozen=True)
class Facts:
    """What we know about the young person on the day of the check."""

    born: date
    on: date
    in_care_since: date | None = None
    care_leaver: bool = False
    legal_status: str = "none"  # care_order | interim_care_order | section_20 | none
    plan: str = "none"  # return_home | adoption | long_term_care | none
    self_referral: bool = False
    uasc: bool = False  # unaccompanied asylum-seeking child
    family_abroad: bool = False
    in_custody: bool = False

    def __post_init__(self) -> None:
        if self.legal_status not in LEGAL_STATUSES or self.plan not in PLANS:
            raise ValueError(f"unknown legal status {self.legal_status!r} or plan {self.plan!r}")
        if self.on < self.born:
            raise ValueError("the date of the check is before the date of birth")
        if self.in_care_since and not self.born <= self.in_care_since <= self.on:
            raise ValueError("the date they came into care must be between their birth and the check")

    @property
    def in_care(self) -> bool:
        return not self.care_leaver and (self.legal_status != "none" or self.in_care_since is not None)


@dataclass(frozen=True)
class Result:
    result: str
    reasons: list[Reason] = field(default_factory=list)
    signposts: list[str] = field(default_factory=list)


def reaches(start: date, years: int = 0, months: int = 0) -> date:
    """The day someone born (or in care since) ``start`` has had ``years`` and ``months``."""
    total = start.month - 1 + 12 * years + months
    year, month = start.year + total // 12, total % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day and months % 12 == 0 and (start.month, start.day) == (2, 29):
        return date(year, 3, 1)  # 29 February birthdays: 1 March in other years
    return date(year, month, min(start.day, last_day))


def age_on(born: date, on: date) -> Age:
    """Exact age in whole years and months on ``on``."""
    total = (on.year - born.year) * 12 + on.month - born.month
    if reaches(born, 0, total) > on:
        total -= 1
    return Age(total // 12, total % 12)


def _at_least(start: date, on: date, age: Age) -> bool:
    return on >= reaches(start, age.years, age.months)


def check(policy: Policy, facts: Facts) -> Result:
    """The policy's answer for these facts. Hard reasons win over reasons to talk it through."""
    if facts.care_leaver:
        route, missing = policy.care_leavers, Reason("care_leavers_not_covered")
    elif facts.in_care:
        route, missing = policy.in_care, Reason("in_care_not_covered")
    else:
        route, missing = None, Reason("not_in_care")
    hard: list[Reason] = []
    soft: list[Reason] = []
    if route is None:
        hard.append(missing)
    else:
        _check_route(route, facts, hard, soft)
    if facts.in_custody and policy.in_custody == CONVERSATION:
        soft.append(Reason("in_custody"))
    elif facts.in_custody and policy.in_custody == NOT_ELIGIBLE:
        hard.append(Reason("in_custody_not_covered"))
    if hard:
        result, reasons = NOT_ELIGIBLE, hard
    elif soft:
        result, reasons = CONVERSATION, soft
    else:
        result, reasons = ELIGIBLE, []
    return Result(result, reasons, _signposts(policy, facts, result, reasons))


def _check_route(route: Route, facts: Facts, hard: list[Reason], soft: list[Reason]) -> None:
    if facts.self_referral and not route.self_referral:
        hard.append(Reason("self_referral_closed"))
    if route.min_age and not _at_least(facts.born, facts.on, route.min_age):
        values = route.min_age.values()
        if route.younger == CONVERSATION:
            soft.append(Reason("younger_than_usual", values))
        else:
            hard.append(Reason("too_young", values))
    if route.under_age and _at_least(facts.born, facts.on, route.under_age):
        hard.append(Reason("too_old", route.under_age.values()))
    if not facts.in_care:
        return  # care leavers: their legal status, plan and time in care are in the past
    if route.time_in_care_under:
        if facts.in_care_since is None:
            soft.append(Reason("time_in_care_unknown"))
        elif _at_least(facts.in_care_since, facts.on, route.time_in_care_under):
            hard.append(Reason("in_care_too_long", route.time_in_care_under.values()))
    if route.legal_status:
        if facts.legal_status == "none":
            soft.append(Reason("legal_status_unknown"))
        elif facts.legal_status not in route.legal_status:
            accepted = list(route.legal_status)
            hard.append(
                Reason("legal_status_not_accepted", {"status": facts.legal_status, "accepted": accepted})
            )
    if facts.plan in route.excluded_plans:
        hard.append(Reason("plan_excluded", {"plan": facts.plan}))


def _signposts(policy: Policy, facts: Facts, result: str, reasons: list[Reason]) -> list[str]:
    conditions = {
        "uasc": facts.uasc,  # first: immigration legal advice comes before anything else
        "family_abroad": facts.family_abroad,
        "in_custody": facts.in_custody,
        "self_referral_closed": any(r.code == "self_referral_closed" for r in reasons),
        "in_care_not_eligible": facts.in_care and result == NOT_ELIGIBLE,
        "care_leaver_not_eligible": facts.care_leaver and result == NOT_ELIGIBLE,
    }
    found: list[str] = []
    for condition, applies in conditions.items():
        for code in policy.signposts.get(condition, ()) if applies else ():
            if code not in found:
                found.append(code)
    return found
