"""Eligibility policies: one TOML file per organisation, checked when it is loaded.

A policy has up to two routes in: ``[in_care]`` (children in care) and ``[care_leavers]``. A short
example (``policies/`` holds the four councils' examples)::

    example = true
    organisation = "Durham"
    in_custody = "conversation"          # or "ignore" (the default) or "not_eligible"
    reply_within_working_days = 10      # what a referrer is told about when someone will be in touch

    [in_care]
    min_age = { years = 15, months = 9 } # aged at least this (a bare number means years)
    younger = "not_eligible"             # or "conversation": younger ones are talked through
    under_age = 18                       # younger than this (on the birthday they are not)
    time_in_care_under = { years = 3 }   # in care for less than this
    legal_status = ["care_order", "section_20"]  # interim_care_order = proceedings not concluded
    excluded_plans = ["return_home", "adoption"]
    self_referral = false                # may young people on this route refer themselves?

    [care_leavers]
    min_age = 18
    under_age = 25
    self_referral = true

    [signposts]                          # when → signpost codes (a code or a list)
    family_abroad = "red_cross_family_tracing"
    uasc = "immigration_legal_advice"

Any problem raises ``PolicyError`` naming the file, the line (best effort: tomllib gives no positions,
so the key is looked up in its table in the text) and what is wrong, one problem per line.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

LEGAL_STATUSES = ("care_order", "interim_care_order", "section_20", "none")
PLANS = ("return_home", "adoption", "long_term_care", "none")
SIGNPOSTS = (
    "red_cross_family_tracing",
    "immigration_legal_advice",
    "talk_to_social_worker",
    "talk_to_personal_adviser",
)
SIGNPOST_CONDITIONS = (
    "uasc",
    "family_abroad",
    "in_custody",
    "self_referral_closed",
    "in_care_not_eligible",
    "care_leaver_not_eligible",
)
IN_CUSTODY = ("ignore", "conversation", "not_eligible")
YOUNGER = ("not_eligible", "conversation")
TOP_KEYS = (
    "example",
    "organisation",
    "in_custody",
    "reply_within_working_days",
    "in_care",
    "care_leavers",
    "signposts",
)
ROUTE_KEYS = (
    "min_age",
    "younger",
    "under_age",
    "time_in_care_under",
    "legal_status",
    "excluded_plans",
    "self_referral",
)
CARE_LEAVER_KEYS = ("min_age", "under_age", "self_referral")


class PolicyError(ValueError):
    """A policy file that cannot be used; the message says where and what is wrong."""


class Age(NamedTuple):
    years: int
    months: int = 0

    def values(self) -> dict[str, int]:
        return {"years": self.years, "months": self.months}

    def __str__(self) -> str:
        return f"{self.years} years {self.months} months" if self.months else f"{self.years} years"


@dataclass(frozen=True)
class Route:
    min_age: Age | None = None
    younger: str = "not_eligible"
    under_age: Age | None = None
    time_in_care_under: Age | None = None
    legal_status: tuple[str, ...] = ()
    excluded_plans: tuple[str, ...] = ()
    self_referral: bool = False


@dataclass(frozen=True)
class Policy:
    name: str
    organisation: str = ""
    example: bool = False
    in_care: Route | None = None
    care_leavers: Route | None = None
    in_custody: str = "ignore"
    reply_within_working_days: int = 10
    signposts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def self_referral_open(self) -> bool:
        return any(route and route.self_referral for route in (self.in_care, self.care_leavers))


def load_policy(path: str | Path) -> Policy:
    """Read and check one policy file; its name is the file's stem (``durham``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(f"{path}: cannot be read ({error})") from error
    return parse_policy(text, source=str(path), name=path.stem)


def parse_policy(text: str, source: str = "policy", name: str | None = None) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        at = re.search(r"at line (\d+)", str(error))
        where = f"{source}, line {at.group(1)}" if at else source
        raise PolicyError(f"{where}: not valid TOML ({error})") from error
    return policy_from_data(data, source=source, name=name or Path(source).stem, text=text)


def policy_from_data(data: dict[str, Any], source: str, name: str, text: str = "") -> Policy:
    """Check already-parsed data (e.g. a policy stored in the database); ``text`` finds lines."""
    checker = _Checker(source, text)
    policy = checker.policy(data, name)
    if checker.problems:
        raise PolicyError("\n".join(checker.problems))
    return policy


class _Checker:
    def __init__(self, source: str, text: str) -> None:
        self.source, self.lines, self.problems = source, text.splitlines(), []

    def problem(self, path: tuple[str, ...], message: str) -> None:
        line = _line_of(self.lines, path)
        where = f"{self.source}, line {line}" if line else self.source
        self.problems.append(f"{where}: {'.'.join(path)} {message}")

    def policy(self, data: dict[str, Any], name: str) -> Policy:
        self.unknown_keys(data, (), TOP_KEYS)
        routes = {key: self.route(data, key) for key in ("in_care", "care_leavers")}
        if "in_care" not in data and "care_leavers" not in data:
            self.problems.append(f"{self.source}: needs an [in_care] or a [care_leavers] table (or both)")
        signposts = self.signposts(data.get("signposts", {}))
        return Policy(
            name=name,
            organisation=self.typed(data, ("organisation",), str, ""),
            example=self.typed(data, ("example",), bool, False),
            in_care=routes["in_care"],
            care_leavers=routes["care_leavers"],
            in_custody=self.choice(data, ("in_custody",), IN_CUSTODY, "ignore"),
            reply_within_working_days=self.reply_days(data),
            signposts=signposts,
        )

    def route(self, data: dict[str, Any], key: str) -> Route | None:
        table = data.get(key)
        if table is None:
            return None
        if not isinstance(table, dict):
            self.problem((key,), "must be a table")
            return None
        path = (key,)
        self.unknown_keys(table, path, ROUTE_KEYS if key == "in_care" else CARE_LEAVER_KEYS)
        min_age, under_age = (self.age(table, (*path, k)) for k in ("min_age", "under_age"))
        if min_age and under_age and min_age >= under_age:
            self.problem((*path, "min_age"), f"({min_age}) must be below under_age ({under_age})")
        younger = self.choice(table, (*path, "younger"), YOUNGER, "not_eligible")
        if younger == "conversation" and min_age is None:
            self.problem((*path, "younger"), "needs a min_age")
        return Route(
            min_age=min_age,
            younger=younger,
            under_age=under_age,
            time_in_care_under=self.age(table, (*path, "time_in_care_under")),
            legal_status=self.codes(table, (*path, "legal_status"), LEGAL_STATUSES),
            excluded_plans=self.codes(table, (*path, "excluded_plans"), PLANS),
            self_referral=self.typed(table, (*path, "self_referral"), bool, False),
        )

    def reply_days(self, data: dict[str, Any]) -> int:
        days = self.typed(data, ("reply_within_working_days",), int, 10)
        if not 1 <= days <= 60:
            self.problem(("reply_within_working_days",), f"must be between 1 and 60, not {days}")
            return 10
        return days

    def signposts(self, table: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(table, dict):
            self.problem(("signposts",), "must be a table")
            return {}
        self.unknown_keys(table, ("signposts",), SIGNPOST_CONDITIONS)
        return {
            key: self.codes(table, ("signposts", key), SIGNPOSTS)
            for key in table
            if key in SIGNPOST_CONDITIONS
        }

    def unknown_keys(self, table: dict[str, Any], path: tuple[str, ...], known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
                self.problem((*path, key), f"is not a key we know{hint}")

    def typed(self, table: dict[str, Any], path: tuple[str, ...], kind: type, default: Any) -> Any:
        value = table.get(path[-1], default)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(path, f"must be {_KIND_NAMES[kind]}, not {value!r}")
            return default
        return value

    def choice(self, table: dict[str, Any], path: tuple[str, ...], choices: tuple[str, ...], default: str):
        value = self.typed(table, path, str, default)
        if value not in choices:
            self.problem(path, f"must be one of {', '.join(choices)}, not {value!r}")
            return default
        return value

    def codes(self, table: dict[str, Any], path: tuple[str, ...], choices: tuple[str, ...]):
        value = table.get(path[-1], [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(path, 'must be a list of words in quotes, e.g. ["' + choices[0] + '"]')
            return ()
        for item in value:
            if item not in choices:
                self.problem(path, f"has {item!r}, which is not one of {', '.join(choices)}")
        return tuple(item for item in value if item in choices)

    def age(self, table: dict[str, Any], path: tuple[str, ...]) -> Age | None:
        value = table.get(path[-1])
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = {"years": value}
        if not isinstance(value, dict):
            self.problem(path, f"must be a number of years or {{ years = …, months = … }}, not {value!r}")
            return None
        self.unknown_keys(value, path, ("years", "months"))
        years = self.typed(value, (*path, "years"), int, 0)
        months = self.typed(value, (*path, "months"), int, 0)
        if not 0 <= years <= 120:
            self.problem((*path, "years"), "must be between 0 and 120")
            return None
        if not 0 <= months <= 11:
            self.problem((*path, "months"), "must be between 0 and 11")
            return None
        return Age(years, months)


_KIND_NAMES = {bool: "true or false", int: "a whole number", str: "words in quotes"}
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _line_of(lines: list[str], path: tuple[str, ...]) -> int | None:
    """The line of ``path`` in the TOML text: its key within its table, else the table's header.

    Keys inside inline tables (``min_age = { months = 13 }``) give the line of the outer key.
    """
    if not lines:
        return None
    for depth in range(len(path), 0, -1):
        table, key = path[: depth - 1], path[depth - 1]
        header_line = None
        current: tuple[str, ...] = ()
        pattern = re.compile(rf"""^\s*(?:["']?{re.escape(key)}["']?)\s*=""")
        dotted = re.compile(rf"""^\s*{re.escape(".".join(path[:depth]))}\s*=""")
        for number, line in enumerate(lines, start=1):
            header = _HEADER.match(line)
            if header:
                current = tuple(part.strip().strip("\"'") for part in header.group(1).split("."))
                if current == path[:depth]:
                    header_line = number
                continue
            if (current == table and pattern.match(line)) or (current == () and dotted.match(line)):
                return number
        if header_line:
            return header_line
    return None
