"""`flask eligibility check`: an admin tries a policy and reads one JSON answer in plain English."""

import json

import pytest

from app.config import ROOT

POLICIES = ROOT / "policies"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["eligibility", "check", *args])


NO_REASONS = {"result": "eligible", "reasons": [], "signposts": []}


@pytest.mark.parametrize(
    ("policy", "args", "expected"),
    [
        ("durham", "--born 2009-05-15 --on 2025-02-15 --legal-status care_order", NO_REASONS),
        (
            "durham",
            "--born 2009-05-15 --on 2025-02-14 --legal-status care_order",
            {
                "result": "not_eligible",
                "reasons": ["Lifelong Links here is for young people aged 15 years and 9 months or older."],
                "signposts": [],
            },
        ),
        (
            "hertfordshire",
            "--born 2012-01-01 --on 2025-04-10 --in-care-since 2022-04-10 --legal-status section_20 "
            "--plan long_term_care",
            {
                "result": "not_eligible",
                "reasons": [
                    "Lifelong Links here is for young people who have been in care for less than 3 years."
                ],
                "signposts": [],
            },
        ),
        (
            "barking-and-dagenham",
            "--born 2015-01-01 --on 2025-01-01 --legal-status care_order --uasc --family-abroad",
            {
                "result": "conversation",
                "reasons": [
                    "Lifelong Links here is usually for young people aged 12 years or older. "
                    "We can talk about it together."
                ],
                "signposts": [
                    "Please get free immigration legal advice first. Your social worker or personal adviser "
                    "can help you find it.",
                    "You can get free help to find family abroad from the British Red Cross family tracing "
                    "service.",
                ],
            },
        ),
        (
            "barking-and-dagenham",
            "--born 2000-08-20 --on 2025-08-19 --care-leaver --self-referral",
            NO_REASONS,
        ),
        (
            "tower-hamlets",
            "--born 2010-01-01 --on 2025-01-01 --self-referral --in-care-since 2024-06-01",
            {
                "result": "not_eligible",
                "reasons": [
                    "Here, a worker needs to ask for Lifelong Links for you. You can't ask for it yourself."
                ],
                "signposts": ["Talk to your social worker. They can ask for Lifelong Links for you."],
            },
        ),
    ],
)
def test_check_prints_one_json_answer(app, policy, args, expected):
    result = run(app, "--policy", str(POLICIES / f"{policy}.toml"), *args.split())
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == expected


def test_a_broken_policy_is_a_clear_error(app, tmp_path):
    broken = tmp_path / "riverside.toml"
    broken.write_text("example = true\n\n[in_care]\nmin_age = { years = 15, months = 14 }\n")
    result = run(app, "--policy", str(broken), "--born", "2010-01-01", "--on", "2025-01-01")
    assert result.exit_code != 0
    assert f"{broken}, line 4: in_care.min_age.months must be between 0 and 11" in result.output
    missing = run(
        app, "--policy", str(tmp_path / "nowhere.toml"), "--born", "2010-01-01", "--on", "2025-01-01"
    )
    assert missing.exit_code != 0 and "nowhere.toml" in missing.output


@pytest.mark.parametrize(
    "dates",
    [
        ["--born", "2010-02-30", "--on", "2025-01-01"],
        ["--born", "01/02/2010", "--on", "2025-01-01"],
        ["--born", "2010-01-01", "--on", "2009-01-01"],
        ["--born", "2010-01-01", "--on", "2025-01-01", "--in-care-since", "2026-01-01"],
    ],
)
def test_bad_dates_are_usage_errors(app, dates):
    result = run(app, "--policy", str(POLICIES / "durham.toml"), *dates)
    assert result.exit_code == 2
    assert "Usage:" in result.output and "{" not in result.output
