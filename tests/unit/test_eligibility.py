"""Each council's example policy, table by table, with the day before and the day of each boundary."""

from datetime import date, timedelta

import pytest

from app.config import ROOT
from app.domain.eligibility import Age, Facts, PolicyError, age_on, check, load_policy, reaches

POLICIES = ROOT / "policies"
D = date.fromisoformat


def policy(name: str):
    return load_policy(POLICIES / f"{name}.toml")


def facts(born: str, on: str, **known) -> Facts:
    for key in ("in_care_since",):
        if key in known:
            known[key] = D(known[key])
    return Facts(born=D(born), on=D(on), **known)


IN_CARE = {"legal_status": "care_order", "plan": "long_term_care"}
LEAVER = {"care_leaver": True, "self_referral": True}
YES, NO, TALK = "eligible", "not_eligible", "conversation"
SW, PA = ["talk_to_social_worker"], ["talk_to_personal_adviser"]
UASC_ABROAD = ["immigration_legal_advice", "red_cross_family_tracing"]


def since(day: str, **more) -> dict:
    return {**IN_CARE, "in_care_since": day, **more}


def young(years: int, months: int = 0, code: str = "too_young") -> list:
    return [(code, {"years": years, "months": months})]


def old(years: int) -> list:
    return [("too_old", {"years": years, "months": 0})]


def said(code: str, **values) -> list:
    return [(code, values)]


# (policy, born, on, other facts, result, reasons, signposts)
DURHAM = [
    # 15 years 9 months or over, still in care, under 18; workers refer.
    ("2009-05-15", "2025-02-14", IN_CARE, NO, young(15, 9), []),
    ("2009-05-15", "2025-02-15", IN_CARE, YES, [], []),
    # born 31 May: 15 years 9 months is the last day of February (28th, or 29th in a leap year)
    ("2009-05-31", "2025-02-27", IN_CARE, NO, young(15, 9), []),
    ("2009-05-31", "2025-02-28", IN_CARE, YES, [], []),
    ("2008-05-31", "2024-02-28", IN_CARE, NO, young(15, 9), []),
    ("2008-05-31", "2024-02-29", IN_CARE, YES, [], []),
    ("2007-03-10", "2025-03-09", IN_CARE, YES, [], []),
    ("2007-03-10", "2025-03-10", IN_CARE, NO, old(18), []),
    # born 29 February 2008: 18 on 1 March 2026 (no 29 February that year)
    ("2008-02-29", "2026-02-28", IN_CARE, YES, [], []),
    ("2008-02-29", "2026-03-01", IN_CARE, NO, old(18), []),
    ("2008-02-29", "2023-11-28", IN_CARE, NO, young(15, 9), []),
    ("2008-02-29", "2023-11-29", IN_CARE, YES, [], []),
    ("2009-01-01", "2025-06-01", {**IN_CARE, "self_referral": True}, NO, said("self_referral_closed"), SW),
    ("2005-01-01", "2025-06-01", {"care_leaver": True}, NO, said("care_leavers_not_covered"), PA),
    ("2009-01-01", "2025-06-01", {}, NO, said("not_in_care"), []),
    ("2009-01-01", "2025-06-01", {**IN_CARE, "in_custody": True}, YES, [], []),
    ("2009-01-01", "2025-06-01", {**IN_CARE, "family_abroad": True}, YES, [], ["red_cross_family_tracing"]),
]
HERTFORDSHIRE = [
    # under 16, in care for less than three years, no plan to go home or be adopted
    ("2010-06-20", "2026-06-19", since("2024-01-01"), YES, [], []),
    ("2010-06-20", "2026-06-20", since("2024-01-01"), NO, old(16), []),
    ("2012-01-01", "2025-04-09", since("2022-04-10"), YES, [], []),
    ("2012-01-01", "2025-04-10", since("2022-04-10"), NO, young(3, 0, "in_care_too_long"), []),
    # in care since 29 February 2020: three years on 1 March 2023
    ("2012-01-01", "2023-02-28", since("2020-02-29"), YES, [], []),
    ("2012-01-01", "2023-03-01", since("2020-02-29"), NO, young(3, 0, "in_care_too_long"), []),
    # born 29 February 2012: 16 on 29 February 2028 (a leap year)
    ("2012-02-29", "2028-02-28", since("2026-01-01"), YES, [], []),
    ("2012-02-29", "2028-02-29", since("2026-01-01"), NO, old(16), []),
    (
        "2012-01-01",
        "2025-01-01",
        since("2024-01-01", plan="return_home"),
        NO,
        said("plan_excluded", plan="return_home"),
        [],
    ),
    (
        "2012-01-01",
        "2025-01-01",
        since("2024-01-01", plan="adoption", legal_status="section_20"),
        NO,
        said("plan_excluded", plan="adoption"),
        [],
    ),
    ("2012-01-01", "2025-01-01", IN_CARE, TALK, said("time_in_care_unknown"), []),
    (
        "2012-01-01",
        "2025-01-01",
        since("2024-01-01", self_referral=True),
        NO,
        said("self_referral_closed"),
        SW,
    ),
]
BARKING_AND_DAGENHAM = [
    # in care (care order or section 20, no plan to go home or be adopted), usually 12+; care leavers 18
    # to 25 may refer themselves; younger children and young people in custody are a conversation.
    ("2013-04-05", "2025-04-04", IN_CARE, TALK, young(12, 0, "younger_than_usual"), []),
    ("2013-04-05", "2025-04-05", IN_CARE, YES, [], []),
    ("2012-02-29", "2024-02-28", IN_CARE, TALK, young(12, 0, "younger_than_usual"), []),
    ("2012-02-29", "2024-02-29", IN_CARE, YES, [], []),
    (
        "2016-01-01",
        "2025-01-01",
        {**IN_CARE, "plan": "adoption"},
        NO,
        said("plan_excluded", plan="adoption"),
        [],
    ),
    ("2010-01-01", "2025-01-01", {"legal_status": "section_20"}, YES, [], []),
    (
        "2010-01-01",
        "2025-01-01",
        {"legal_status": "section_20", "plan": "return_home"},
        NO,
        said("plan_excluded", plan="return_home"),
        [],
    ),
    (
        "2010-01-01",
        "2025-01-01",
        {"legal_status": "interim_care_order"},
        NO,
        said("legal_status_not_accepted", status="interim_care_order", accepted=["care_order", "section_20"]),
        [],
    ),
    ("2010-01-01", "2025-01-01", {"in_care_since": "2020-01-01"}, TALK, said("legal_status_unknown"), []),
    ("2010-01-01", "2025-01-01", {**IN_CARE, "self_referral": True}, NO, said("self_referral_closed"), SW),
    ("2010-01-01", "2025-01-01", {**IN_CARE, "in_custody": True}, TALK, said("in_custody"), []),
    ("2007-08-20", "2025-08-19", LEAVER, NO, young(18), PA),
    ("2007-08-20", "2025-08-20", LEAVER, YES, [], []),
    ("2000-08-20", "2025-08-19", LEAVER, YES, [], []),
    ("2000-08-20", "2025-08-20", LEAVER, NO, old(25), PA),
    # born 29 February 2008: 18 on 1 March 2026, 25 on 1 March 2033
    ("2008-02-29", "2026-02-28", LEAVER, NO, young(18), PA),
    ("2008-02-29", "2026-03-01", LEAVER, YES, [], []),
    ("2008-02-29", "2033-02-28", LEAVER, YES, [], []),
    ("2008-02-29", "2033-03-01", LEAVER, NO, old(25), PA),
    ("2004-01-01", "2025-01-01", {"care_leaver": True, "in_custody": True}, TALK, said("in_custody"), []),
    ("2004-01-01", "2025-01-01", {**LEAVER, "uasc": True, "family_abroad": True}, YES, [], UASC_ABROAD),
    ("2009-01-01", "2025-01-01", {**IN_CARE, "family_abroad": True, "uasc": True}, YES, [], UASC_ABROAD),
]
TOWER_HAMLETS = [
    # any child in care
    ("2025-01-01", "2025-06-01", {"legal_status": "section_20"}, YES, [], []),
    ("2012-01-01", "2025-06-01", {"in_care_since": "2025-05-31"}, YES, [], []),
    ("2010-01-01", "2025-06-01", {"legal_status": "interim_care_order", "plan": "adoption"}, YES, [], []),
    ("2007-03-10", "2025-03-09", IN_CARE, YES, [], []),
    ("2007-03-10", "2025-03-10", IN_CARE, NO, old(18), []),
    ("2004-01-01", "2025-01-01", LEAVER, NO, said("care_leavers_not_covered"), PA),
    ("2012-01-01", "2025-01-01", {}, NO, said("not_in_care"), []),
    ("2012-01-01", "2025-01-01", {**IN_CARE, "uasc": True}, YES, [], ["immigration_legal_advice"]),
]
CASES = [
    (name, *case)
    for name, cases in (
        ("durham", DURHAM),
        ("hertfordshire", HERTFORDSHIRE),
        ("barking-and-dagenham", BARKING_AND_DAGENHAM),
        ("tower-hamlets", TOWER_HAMLETS),
    )
    for case in cases
]


@pytest.mark.parametrize(("name", "born", "on", "known", "result", "reasons", "signposts"), CASES)
def test_each_example_policy(name, born, on, known, result, reasons, signposts):
    answer = check(policy(name), facts(born, on, **known))
    assert (answer.result, [tuple(r) for r in answer.reasons], answer.signposts) == (
        result,
        reasons,
        signposts,
    )


@pytest.mark.parametrize(
    ("start", "years", "months", "expected"),
    [
        ("2009-05-31", 0, 9, "2010-02-28"),  # clamped to the month's last day
        ("2011-05-31", 0, 9, "2012-02-29"),
        ("2009-05-31", 15, 9, "2025-02-28"),
        ("2008-01-31", 0, 1, "2008-02-29"),
        ("2009-11-30", 15, 9, "2025-08-30"),
        ("2008-02-29", 1, 0, "2009-03-01"),  # 29 February birthdays: 1 March in other years
        ("2008-02-29", 16, 0, "2024-02-29"),
        ("2008-02-29", 17, 0, "2025-03-01"),
        ("2008-02-29", 0, 1, "2008-03-29"),
        ("2008-02-29", 15, 11, "2024-01-29"),
        ("2008-02-29", 16, 12, "2025-03-01"),
    ],
)
def test_reaches_an_age_on_the_documented_day(start, years, months, expected):
    assert reaches(D(start), years, months) == D(expected)


@pytest.mark.parametrize(
    ("born", "on", "years", "months"),
    [
        ("2008-02-29", "2025-02-28", 16, 11),
        ("2008-02-29", "2025-03-01", 17, 0),
        ("2012-02-29", "2027-02-28", 14, 11),
        ("2012-02-29", "2027-03-01", 15, 0),
        ("2012-02-29", "2024-02-28", 11, 11),
        ("2012-02-29", "2024-02-29", 12, 0),
        ("2009-05-31", "2025-02-27", 15, 8),
        ("2009-05-31", "2025-02-28", 15, 9),
        ("2009-05-31", "2025-03-30", 15, 9),
        ("2009-05-31", "2025-03-31", 15, 10),
        ("2025-01-01", "2025-01-01", 0, 0),
    ],
)
def test_exact_age(born, on, years, months):
    assert age_on(D(born), D(on)) == Age(years, months)


def test_age_and_reaching_an_age_agree_for_every_birthday():
    born = D("2007-01-01")
    while born < D("2009-01-01"):
        for total in [*range(0, 30), *range(180, 200), 300]:
            day = reaches(born, 0, total)
            assert age_on(born, day) == Age(total // 12, total % 12), (born, total)
            assert (
                age_on(born, day - timedelta(days=1)) == Age((total - 1) // 12, (total - 1) % 12)
                or total == 0
            )
        born += timedelta(days=1)


def test_impossible_dates_are_refused():
    with pytest.raises(ValueError):
        facts("2010-01-01", "2009-12-31")
    with pytest.raises(ValueError):
        facts("2010-01-01", "2020-01-01", in_care_since="2021-01-01")
    with pytest.raises(ValueError):
        facts("2010-01-01", "2020-01-01", legal_status="s20")


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_policy_loads_and_says_it_is_an_example(path):
    loaded = load_policy(path)
    assert loaded.example and loaded.name == path.stem
    assert path.read_text().startswith("# EXAMPLE")


def test_the_four_councils_are_shipped_and_only_barking_and_dagenham_opens_self_referral():
    names = {path.stem for path in POLICIES.glob("*.toml")}
    assert {"durham", "barking-and-dagenham", "hertfordshire", "tower-hamlets"} <= names
    assert {n for n in names if load_policy(POLICIES / f"{n}.toml").self_referral_open} == {
        "barking-and-dagenham"
    }


GOOD = """\
# a comment
example = true

[in_care]
min_age = { years = 15, months = 9 }
under_age = 18
self_referral = false
"""


NOT_ONE_OF = "which is not one of"


@pytest.mark.parametrize(
    ("old", "new", "line", "problem"),
    [
        ("under_age = 18", "under_ages = 18", 6,
         "in_care.under_ages is not a key we know (did you mean 'under_age'?)"),
        ("months = 9", "months = 12", 5, "in_care.min_age.months must be between 0 and 11"),
        ("under_age = 18", "under_age = 15", 5,
         "in_care.min_age (15 years 9 months) must be below under_age (15 years)"),
        ("self_referral = false", 'self_referral = "no"', 7,
         "in_care.self_referral must be true or false, not 'no'"),
        ("under_age = 18", 'under_age = "18"', 6, "in_care.under_age must be a number of years or"),
        ("years = 15", "years = 15.5", 5, "in_care.min_age.years must be a whole number, not 15.5"),
        ("under_age = 18", 'legal_status = ["care_order", "s20"]', 6,
         f"in_care.legal_status has 's20', {NOT_ONE_OF} care_order, interim_care_order, section_20, none"),
        ("under_age = 18", 'excluded_plans = ["adopted"]', 6, "in_care.excluded_plans has 'adopted'"),
        ("under_age = 18", 'younger = "maybe"', 6,
         "in_care.younger must be one of not_eligible, conversation"),
        ("example = true", 'example = true\nin_custody = "talk"', 3,
         "in_custody must be one of ignore, conversation"),
        ("[in_care]", '[signposts]\nuasc = "lawyer"\n\n[in_care]', 5,
         f"signposts.uasc has 'lawyer', {NOT_ONE_OF} red_cross_family_tracing"),
        ("[in_care]", "[in_cares]", 4, "in_cares is not a key we know (did you mean 'in_care'?)"),
        ("under_age = 18", "under_age = 18 18", 6, "not valid TOML"),
    ],
)  # fmt: skip
def test_policy_problems_name_the_file_the_line_and_what_is_wrong(tmp_path, old, new, line, problem):
    path = tmp_path / "riverside.toml"
    assert old in GOOD
    path.write_text(GOOD.replace(old, new, 1))
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert f"{path}, line {line}: {problem}" in str(raised.value)


def test_the_good_policy_loads_and_a_policy_needs_a_route(tmp_path):
    path = tmp_path / "riverside.toml"
    path.write_text(GOOD)
    assert load_policy(path).in_care.min_age == Age(15, 9)
    path.write_text("example = true\n")
    with pytest.raises(
        PolicyError, match=r"riverside\.toml: needs an \[in_care\] or a \[care_leavers\] table"
    ):
        load_policy(path)


def test_every_problem_is_reported_at_once(tmp_path):
    path = tmp_path / "riverside.toml"
    path.write_text("[in_care]\nmin_age = { years = 1, months = 20 }\nplan = 'x'\n")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    lines = str(raised.value).splitlines()
    assert lines == [
        f"{path}, line 3: in_care.plan is not a key we know (known: {', '.join(_route_keys())})",
        f"{path}, line 2: in_care.min_age.months must be between 0 and 11",
    ]


def _route_keys():
    from app.domain.eligibility_policy import ROUTE_KEYS

    return ROUTE_KEYS


def test_every_reason_and_signpost_has_plain_words(app):
    from app.domain.eligibility_policy import SIGNPOSTS
    from app.eligibility_words import reason_words, signpost_words

    with app.test_request_context():
        for code, values in (reason for case in CASES for reason in case[5]):
            words = reason_words((code, values))
            assert words != code and words.endswith(".") and "%(" not in words
        assert reason_words(("too_young", {"years": 15, "months": 9})) == (
            "Lifelong Links here is for young people aged 15 years and 9 months or older."
        )
        assert reason_words(("too_old", {"years": 25, "months": 0})) == (
            "Lifelong Links here is for young people younger than 25 years."
        )
        for code in SIGNPOSTS:
            assert signpost_words(code) != code
        assert signpost_words("red_cross_family_tracing") == (
            "You can get free help to find family abroad from the British Red Cross family tracing service."
        )
